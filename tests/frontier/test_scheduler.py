"""FrontierScheduler: two workers (two crawlers in this process) on one real redis-server."""

from __future__ import annotations

import time

import pytest
from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.frontier.scheduler import LEASE_META, FrontierScheduler
from crawler.items import FetchedPage
from spiders.outlets import SPIDERS
from tests.factories import with_project_settings
from tests.frontier.conftest import RedisServer

LEASE = 0.5  # seconds: a killed worker's request comes back within the test
ARTICLE = "https://dantri.com.vn/xa-hoi/mot-bai-bao-20260101000000001.htm"
FEED = "https://dantri.com.vn/rss/home.rss"


def _crawler(url: str, prefix: str, **overrides):
    settings = {"FRONTIER_URL": url, "FRONTIER_KEY_PREFIX": prefix, "FRONTIER_LEASE_SECONDS": LEASE}
    settings.update(FRONTIER_ACK_DELAY=0.0, **overrides)
    return get_crawler(SPIDERS["dantri"], with_project_settings(settings))


def _worker(url: str, prefix: str, **overrides) -> FrontierScheduler:
    crawler = _crawler(url, prefix, **overrides)
    crawler.spider = crawler._create_spider()
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def _article(scheduler: FrontierScheduler, url: str = ARTICLE) -> Request:
    spider = scheduler.spider
    meta = {"vnnews_article": url, "vnnews_kind": "article", "vnnews_outlet": "dantri"}
    return Request(url, callback=spider.parse_article, errback=spider.article_failed, priority=40, meta=meta)


def _feed(scheduler: FrontierScheduler) -> Request:
    return Request(FEED, callback=scheduler.spider.parse_feed, priority=30, meta={"vnnews_kind": "feed"})


def _fetched(scheduler: FrontierScheduler, request: Request) -> None:
    """What a crawl signals for an article: its response, then its item out of the pipelines."""
    send = scheduler.crawler.signals.send_catch_log
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    send(signals.response_received, response=response, request=request, spider=scheduler.spider)
    item = FetchedPage(url=request.url, body=b"", fetched_at=None, status=200, outlet="dantri")  # type: ignore[arg-type]
    send(signals.item_scraped, item=item, response=response, spider=scheduler.spider)


def test_the_scheduler_is_switched_only_with_a_frontier_url(redis_server, key_prefix):
    plain = get_crawler(SPIDERS["dantri"], with_project_settings()).settings
    assert plain["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert "crawler.frontier.middleware.FrontierFailureMiddleware" not in plain.getdict(
        "DOWNLOADER_MIDDLEWARES"
    )
    shared = _crawler(redis_server.url, key_prefix).settings
    assert shared["SCHEDULER"] == "crawler.frontier.scheduler.FrontierScheduler"
    assert (
        shared.getdict("DOWNLOADER_MIDDLEWARES")["crawler.frontier.middleware.FrontierFailureMiddleware"]
        == 10
    )
    assert plain.getbool("LEASE_ENABLED") and not shared.getbool("LEASE_ENABLED")  # workers share outlets


def test_an_article_is_taken_by_one_worker_and_discovery_by_each(redis_server, key_prefix):
    a, b = _worker(redis_server.url, key_prefix), _worker(redis_server.url, key_prefix)
    assert a.enqueue_request(_article(a))
    assert not b.enqueue_request(_article(b))  # found by the other worker too: queued once
    assert a.enqueue_request(_feed(a)) and not a.enqueue_request(_feed(a))  # once per worker
    assert b.enqueue_request(_feed(b))  # and once more for the other
    got = b.next_request()
    assert got.url == ARTICLE and got.callback == b.spider.parse_article  # bound to b's own spider
    assert got.errback == b.spider.article_failed and got.meta["vnnews_article"] == ARTICLE
    assert [a.next_request().url, b.next_request().url] == [FEED, FEED]
    assert a.next_request() is None and b.next_request() is None
    assert a.stats.get_value("frontier/duplicate/discovery") == 1
    assert b.stats.get_value("frontier/duplicate/article") == 1


def test_a_worker_waits_while_another_holds_work_and_finishes_when_it_is_stored(redis_server, key_prefix):
    a, b = _worker(redis_server.url, key_prefix), _worker(redis_server.url, key_prefix)
    b.enqueue_request(_article(b))
    request = b.next_request()
    assert a.has_pending_requests()  # b may still add links, or die and hand the article back
    assert not b.has_pending_requests()  # its own lease does not keep b waiting
    retry = request.replace(dont_filter=True)  # a retry or redirect keeps the lease: stays with b
    assert b.enqueue_request(retry) and b.next_request() is retry and a.next_request() is None
    b.heartbeat()
    assert a.has_pending_requests()  # fetched is not stored: the lease is held until the item is
    _fetched(b, retry)
    b.heartbeat()
    assert not a.has_pending_requests() and b.stats.get_value("frontier/acked") == 1
    assert not a.enqueue_request(_article(a))  # done within FRONTIER_SEEN_SECONDS


def test_a_killed_workers_request_comes_back_to_another(redis_server, key_prefix):
    killed, survivor = _worker(redis_server.url, key_prefix), _worker(redis_server.url, key_prefix)
    killed.enqueue_request(_article(killed))
    taken = killed.next_request()
    time.sleep(LEASE + 0.1)  # killed -9: no renewal, no close
    again = survivor.next_request()
    assert again.url == ARTICLE and again.meta[LEASE_META] == taken.meta[LEASE_META]
    assert survivor.stats.get_value("frontier/reclaimed") == 1


def test_closing_hands_back_what_was_not_fetched(redis_server, key_prefix):
    a, b = _worker(redis_server.url, key_prefix), _worker(redis_server.url, key_prefix)
    a.enqueue_request(_article(a))
    a.enqueue_request(_article(a, ARTICLE.replace("001.htm", "002.htm")))
    first, _second = a.next_request(), a.next_request()
    _fetched(a, first)
    a.close("shutdown")  # first is stored; the second never left
    assert a.stats.get_value("frontier/acked") == 1 and a.stats.get_value("frontier/released") == 1
    assert b.next_request().url.endswith("002.htm") and b.next_request() is None


def test_redis_unreachable_at_start_is_a_clear_error(key_prefix):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    crawler = _crawler(f"redis://user:secret@127.0.0.1:{port}/0", key_prefix, FRONTIER_CONNECT_TIMEOUT=0.5)
    crawler.spider = crawler._create_spider()
    with pytest.raises(RuntimeError, match=r"cannot reach the frontier at redis://user:\*\*\*@127") as info:
        FrontierScheduler.from_crawler(crawler).open(crawler.spider)
    assert "secret" not in str(info.value)


def test_redis_lost_mid_crawl_keeps_requests_in_the_worker(tmp_path, key_prefix):
    server = RedisServer(tmp_path)
    server.start()
    worker = _worker(server.url, key_prefix, FRONTIER_CONNECT_TIMEOUT=0.5)
    server.stop()
    assert worker.enqueue_request(_article(worker))  # kept here instead of lost
    assert worker.has_pending_requests()
    assert worker.next_request().url == ARTICLE
    assert worker.stats.get_value("frontier/enqueued/local") == 1
