"""IncrementalMiddleware against a real store: a failing callback loses none of its links, and a changed
INCREMENTAL_SKIP_DAYS does not stop not-news pages from being remembered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.incremental import IncrementalMiddleware
from crawler.store.connection import MongoConnection
from spiders.outlets import SPIDERS
from tests.factories import with_project_settings

LISTING = "https://vnexpress.net/thoi-su"
KNOWN = "https://vnexpress.net/da-luu-5099240.html"
NEW = "https://vnexpress.net/chay-rung-o-nghe-an-5099243.html"


def _middleware(uri: str, db: str, **settings: Any) -> IncrementalMiddleware:
    crawler = get_crawler(
        SPIDERS["vnexpress"], with_project_settings({"MONGODB_URI": uri, "MONGODB_DATABASE": db, **settings})
    )
    crawler.spider = crawler._create_spider()
    return IncrementalMiddleware.from_crawler(crawler)


async def _close(mw: IncrementalMiddleware) -> None:
    await MongoConnection.from_crawler(mw.crawler).close()


def test_links_found_before_a_callback_fails_are_still_sent(mongo_server, mongo_db):
    mongo_db.articles.insert_one({"_id": KNOWN})
    mw = _middleware(mongo_server, mongo_db.name)  # batches of 200: both links would wait in the batch
    spider = mw.crawler.spider
    body = f'<a href="{KNOWN}">a</a><a href="{NEW}">b</a>'.encode()
    listing = HtmlResponse(LISTING, body=body, request=Request(LISTING))

    async def callback() -> AsyncIterator[Any]:
        for request in spider.parse_listing(listing, listing=None, page=1):
            yield request
        raise RuntimeError("the page ended badly")

    async def run() -> tuple[list[Any], BaseException | None]:
        out: list[Any] = []
        try:
            async for obj in mw.process_spider_output(listing, callback()):
                out.append(obj)
        except RuntimeError as exc:
            return out, exc
        finally:
            await _close(mw)
        return out, None

    out, error = asyncio.run(run())
    assert [r.url for r in out] == [NEW]  # the stored one skipped, the new one sent
    assert str(error) == "the page ended badly"  # and the error still raised
    assert mw.crawler.stats.get_value("outlet/vnexpress/skipped_known") == 1


@pytest.mark.parametrize("days", [1, 30])  # shorter, then the same as before
def test_a_changed_skip_ttl_still_remembers_not_news(mongo_server, mongo_db, days):
    async def remember(mw: IncrementalMiddleware, url: str) -> None:
        try:
            await mw.remember_not_news(url, "vnexpress", "redirect")
        finally:
            await _close(mw)

    asyncio.run(remember(_middleware(mongo_server, mongo_db.name, INCREMENTAL_SKIP_DAYS=30), KNOWN))
    later = _middleware(mongo_server, mongo_db.name, INCREMENTAL_SKIP_DAYS=days)
    asyncio.run(remember(later, NEW))

    assert sorted(d["_id"] for d in mongo_db.crawl_skips.find()) == sorted([KNOWN, NEW])
    (ttl,) = [i for i in mongo_db.crawl_skips.list_indexes() if i["key"] == {"seen_at": 1}]
    assert ttl["expireAfterSeconds"] == days * 86400
