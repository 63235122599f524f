"""The outlet spider's discovery, window and budget logic on generated feeds/sitemaps (no crawl)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.retry_after import retry_after_seconds
from crawler.replay import ReplaySite, load_corpus
from crawler.replay.middleware import ReplayMiddleware
from crawler.replay.site import path_key
from spiders.base import NewsSpider, parse_bound, parse_feed_date
from spiders.outlets import SPIDERS

SITE = ReplaySite(load_corpus(["own"], outlets=["vnexpress", "dantri"]))


def _spider(outlet: str = "vnexpress", **kwargs):
    crawler = get_crawler(SPIDERS[outlet])
    return crawler._create_spider(**kwargs)


def _response(url: str, cls=XmlResponse):
    reply = SITE.respond(*path_key(url))
    return cls(url=url, body=reply.body, request=Request(url))


def test_one_spider_per_outlet_from_the_registry():
    assert set(SPIDERS) >= {"vietnamplus", "baotintuc", "bnews", "vnanet", "vnexpress", "baomoi"}
    assert SPIDERS["vnanet"].custom_settings == {"DOWNLOAD_DELAY": 2.0}
    spider = get_crawler(NewsSpider)._create_spider(source="dantri")
    assert spider.source.id == "dantri" and spider.allowed_domains == ["dantri.com.vn"]


def test_start_follows_the_discovery_order():
    spider = _spider()
    requests = list(spider.discovery_requests())  # what `async def start()` yields
    kinds = [r.meta["vnnews_kind"] for r in requests]
    assert kinds == sorted(kinds, key=["feed", "sitemap", "listing"].index)
    assert requests[0].url == spider.source.feeds[0]
    assert "https://vnexpress.net/sitemap.xml" not in [r.url for r in requests]  # only news sitemaps live
    backfill = [r.url for r in _spider(since="2026-10-01", until="2026-10-03").discovery_requests()]
    assert "https://vnexpress.net/sitemap.xml" in backfill
    assert sum("/category/day/" in u for u in backfill) == 3  # one archive page per day


def test_feed_sitemap_and_listing_yield_each_article_once():
    spider = _spider()
    feed = list(spider.parse_feed(_response(spider.source.feeds[0])))
    assert [r.meta["vnnews_kind"] for r in feed] == ["article"]
    again = list(spider.parse_sitemap(_response(spider.source.news_sitemaps[0])))
    assert again == []  # the same URL, already found through the feed
    listing = spider.source.listings[0]
    out = list(spider.parse_listing(_response(listing.url, HtmlResponse), listing=listing, page=1))
    assert out == []  # nothing new: no pagination either
    assert spider.crawler.stats.get_value("outlet/vnexpress/found") == 1


def test_window_filters_feed_entries():
    published = min(p.published for p in SITE.pages.values() if p.outlet == "vnexpress")
    late = _spider(since=(published + timedelta(days=1)).isoformat())
    assert list(late.parse_feed(_response(late.source.feeds[0]))) == []
    assert late.crawler.stats.get_value("outlet/vnexpress/outside_window") == 1
    early = _spider(since=(published - timedelta(days=1)).isoformat())
    assert len(list(early.parse_feed(_response(early.source.feeds[0])))) == 1


def test_window_bounds_and_feed_dates():
    now = datetime(2026, 7, 20, 12, tzinfo=UTC)
    assert parse_bound("48h", now) == now - timedelta(hours=48)
    assert parse_bound("7d", now) == now - timedelta(days=7)
    assert parse_bound("2026-07-01").isoformat() == "2026-07-01T00:00:00+07:00"
    assert parse_bound("01/07/2026", now).date().isoformat() == "2026-07-01"
    with pytest.raises(ValueError):
        parse_bound("không phải ngày", now)
    assert parse_feed_date("Fri, 17 Jul 2026 21:55:00 +0700").isoformat() == "2026-07-17T21:55:00+07:00"
    assert parse_feed_date("2026-07-17T14:55:00Z").isoformat() == "2026-07-17T14:55:00+00:00"
    assert parse_feed_date("") is None


def test_replay_middleware_rewrites_and_restores_the_url():
    crawler = get_crawler(settings_dict={"REPLAY_URL": "http://127.0.0.1:9"})
    mw = ReplayMiddleware.from_crawler(crawler)
    request = Request("https://www.vietnamplus.vn/a-post1.vnp?x=1")
    sent = mw.process_request(request)
    assert sent.url == "http://127.0.0.1:9/www.vietnamplus.vn/a-post1.vnp?x=1"
    assert sent.meta["download_slot"] == "www.vietnamplus.vn" and sent.dont_filter
    assert mw.process_request(sent) is None
    response = mw.process_response(sent, HtmlResponse(sent.url, body=b"<html></html>", request=sent))
    assert response.url == request.url


def test_retry_after_header_values():
    now = datetime(2026, 7, 20, 12, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Mon, 20 Jul 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
