"""The scheduler's memory queue: plain requests wait as tuples and come back the same requests."""

from __future__ import annotations

import gc
import weakref

import pytest
from scrapy import FormRequest, Request
from scrapy.utils.test import get_crawler

from crawler.frontier.memory import CompactLifoMemoryQueue
from spiders.outlets import SPIDERS
from tests.factories import with_project_settings

SITEMAP = "https://www.vietnamplus.vn/sitemap-news.xml"


def _queue():
    crawler = get_crawler(SPIDERS["vietnamplus"], with_project_settings())
    crawler.spider = crawler._create_spider()
    return CompactLifoMemoryQueue.from_crawler(crawler, "slot/0"), crawler


def _articles(spider, n: int) -> list[Request]:
    """Article requests as they reach the scheduler: the spider's, with the Referer and depth of
    Scrapy's spider middlewares."""
    links = [f"https://www.vietnamplus.vn/bai-viet-so-{i}-post{100000 + i}.vnp" for i in range(n)]
    requests = list(spider.article_requests(links, "sitemap", SITEMAP))
    for request in requests:
        request.headers["Referer"] = SITEMAP
        request.meta["depth"] = 1
    return requests


def test_plain_requests_come_back_as_they_went_in_last_first():
    queue, crawler = _queue()
    spider = crawler.spider
    requests = _articles(spider, 3)
    for request in requests:
        queue.push(request)
    assert len(queue) == 3
    assert queue.peek().url == requests[-1].url
    popped = [queue.pop() for _ in requests]
    assert queue.pop() is None and len(queue) == 0
    fingerprint = crawler.request_fingerprinter.fingerprint
    for before, after in zip(reversed(requests), popped, strict=True):
        assert after is not before
        assert after.to_dict(spider=spider) == before.to_dict(spider=spider)
        assert after.callback == spider.parse_article and after.errback == spider.article_failed
        assert fingerprint(after) == fingerprint(before)


def test_a_waiting_plain_request_is_not_kept_alive():
    queue, crawler = _queue()
    request = _articles(crawler.spider, 1)[0]
    ref = weakref.ref(request)
    queue.push(request)
    del request
    gc.collect()
    assert ref() is None
    assert queue.pop().meta["vnnews_kind"] == "article"


@pytest.mark.parametrize(
    "change",
    [
        {"method": "POST"},
        {"body": b"q=1"},
        {"cookies": {"session": "1"}},
        {"cb_kwargs": {"page": 2}},
        {"flags": ["retried"]},
        {"callback": lambda response: None},
        {"meta": {"redirect_urls": ["https://www.vietnamplus.vn/a"]}},
    ],
    ids=lambda change: next(iter(change)),
)
def test_any_other_request_waits_as_it_is(change):
    queue, crawler = _queue()
    request = _articles(crawler.spider, 1)[0].replace(**change)
    queue.push(request)
    assert queue.pop() is request


def test_a_request_subclass_waits_as_it_is():
    queue, _ = _queue()
    request = FormRequest("https://www.vietnamplus.vn/search", formdata={"q": "bão"})
    queue.push(request)
    assert queue.pop() is request


def test_the_project_schedules_through_it():
    assert (
        with_project_settings()["SCHEDULER_MEMORY_QUEUE"] == "crawler.frontier.memory.CompactLifoMemoryQueue"
    )
