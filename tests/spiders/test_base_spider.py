"""The outlet spider's discovery, window and budget logic on generated feeds/sitemaps (no crawl)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, time, timedelta

import pytest
from lxml import etree
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import VN_TZ
from crawler.middlewares.retry_after import retry_after_seconds
from crawler.replay import ReplaySite, load_corpus
from crawler.replay.middleware import ReplayMiddleware
from crawler.replay.site import path_key
from spiders.base import NewsSpider, parse_bound, parse_feed_date
from spiders.outlets import SPIDERS
from tests.factories import with_project_settings

SITE = ReplaySite(load_corpus(["own"], outlets=["vnexpress", "dantri"]))


def _spider(outlet: str = "vnexpress", settings: dict | None = None, **kwargs):
    crawler = get_crawler(SPIDERS[outlet], with_project_settings(settings))
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
    assert kinds == sorted(kinds, key=["feed", "robots", "sitemap", "listing"].index)
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


def _frames(generator):
    """The frames of a suspended generator and of those it yields from."""
    while generator is not None and generator.gi_frame is not None:
        yield generator.gi_frame
        generator = generator.gi_yieldfrom


@pytest.mark.parametrize("kind", ["feed", "sitemap"])
def test_a_parsed_feed_or_sitemap_is_not_kept_while_its_requests_go_out(kind):
    """The requests of a big document go out a batch at a time (the incremental skip asks the store
    between batches); its lxml tree, ~5× the document, must not wait with them."""
    spider = _spider()
    url, parse = (
        (spider.source.feeds[0], spider.parse_feed)
        if kind == "feed"
        else (spider.source.news_sitemaps[0], spider.parse_sitemap)
    )
    output = parse(_response(url))
    assert next(output).meta["vnnews_kind"] == "article"
    held = [v for frame in _frames(output) for v in frame.f_locals.values() if isinstance(v, etree._Element)]
    assert list(_frames(output)) and held == []


def test_window_filters_feed_entries():
    published = min(p.published for p in SITE.pages.values() if p.outlet == "vnexpress")
    late = _spider(since=(published + timedelta(days=1)).isoformat())
    assert list(late.parse_feed(_response(late.source.feeds[0]))) == []
    assert late.crawler.stats.get_value("outlet/vnexpress/outside_window") == 1
    early = _spider(since=(published - timedelta(days=1)).isoformat())
    assert len(list(early.parse_feed(_response(early.source.feeds[0])))) == 1


def test_a_date_only_until_keeps_the_whole_day():
    published = min(p.published for p in SITE.pages.values() if p.outlet == "vnexpress")
    day = published.astimezone(VN_TZ)
    assert day.time() > time(0)  # published after midnight: the case the old bound (00:00) dropped
    for until in (day.date().isoformat(), day.strftime("%d/%m/%Y")):
        spider = _spider(until=until)
        assert len(list(spider.parse_feed(_response(spider.source.feeds[0])))) == 1, until
        assert spider.crawler.stats.get_value("outlet/vnexpress/outside_window") is None
    earlier = _spider(until=(day.date() - timedelta(days=1)).isoformat())
    assert list(earlier.parse_feed(_response(earlier.source.feeds[0]))) == []


def test_window_bounds_and_feed_dates():
    now = datetime(2026, 7, 20, 12, tzinfo=UTC)
    assert parse_bound("48h", now) == now - timedelta(hours=48)
    assert parse_bound("7d", now) == now - timedelta(days=7)
    assert parse_bound("2026-07-01").isoformat() == "2026-07-01T00:00:00+07:00"
    assert parse_bound("01/07/2026", now).date().isoformat() == "2026-07-01"
    # `until`: a day without a time takes the whole day in; a time is kept as given
    last_instant = "2026-07-07T23:59:59.999999+07:00"
    assert parse_bound("2026-07-07", now, end_of_day=True).isoformat() == last_instant
    assert parse_bound("07/07/2026", now, end_of_day=True).isoformat() == last_instant
    assert parse_bound("ngày 7 tháng 7 năm 2026", now, end_of_day=True).isoformat() == last_instant
    assert parse_bound("2026-07-07T12:00", now, end_of_day=True).isoformat() == "2026-07-07T12:00:00+07:00"
    assert parse_bound("07/07/2026 10:30", now, end_of_day=True).isoformat() == "2026-07-07T10:30:00+07:00"
    with pytest.raises(ValueError):
        parse_bound("không phải ngày", now)
    assert parse_feed_date("Fri, 17 Jul 2026 21:55:00 +0700").isoformat() == "2026-07-17T21:55:00+07:00"
    assert parse_feed_date("2026-07-17T14:55:00Z").isoformat() == "2026-07-17T14:55:00+00:00"
    assert parse_feed_date("") is None


def test_replay_middleware_rewrites_and_restores_the_url():
    crawler = get_crawler(settings_dict=with_project_settings({"REPLAY_URL": "http://127.0.0.1:9"}))
    mw = ReplayMiddleware.from_crawler(crawler)
    request = Request("https://www.vietnamplus.vn/a-post1.vnp?x=1")
    sent = mw.process_request(request)
    assert sent.url == "http://127.0.0.1:9/www.vietnamplus.vn/a-post1.vnp?x=1"
    assert sent.meta["download_slot"] == "www.vietnamplus.vn" and sent.dont_filter
    assert mw.process_request(sent) is None
    response = mw.process_response(sent, HtmlResponse(sent.url, body=b"<html></html>", request=sent))
    assert response.url == request.url


@pytest.mark.parametrize(
    "location",
    ["https://vnexpress.net/moved-5099244.html", "/moved-5099244.html", "//vnexpress.net/moved-5099244.html"],
)
def test_a_replayed_redirect_goes_to_the_replay_too(location):
    crawler = get_crawler(settings_dict=with_project_settings({"REPLAY_URL": "http://127.0.0.1:9"}))
    replay, redirect = ReplayMiddleware.from_crawler(crawler), RedirectMiddleware.from_crawler(crawler)
    request = Request("https://vnexpress.net/old-5099243.html", meta={"vnnews_article": "k"})
    sent = replay.process_request(request)
    answer = HtmlResponse(sent.url, status=301, headers={"Location": location}, request=sent)
    followed = redirect.process_response(sent, replay.process_response(sent, answer))
    assert followed.url == "https://vnexpress.net/moved-5099244.html"  # the real URL, as live
    assert "dont_obey_robotstxt" not in followed.meta and "allow_offsite" not in followed.meta
    assert followed.meta["vnnews_article"] == "k"
    resent = replay.process_request(followed)
    assert resent.url == "http://127.0.0.1:9/vnexpress.net/moved-5099244.html"
    assert resent.meta["replay_real_url"] == followed.url


def test_retry_after_header_values():
    now = datetime(2026, 7, 20, 12, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Mon, 20 Jul 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_malformed_link_is_counted_and_the_rest_of_the_page_still_read():
    spider = _spider()
    good = "https://vnexpress.net/chay-rung-o-nghe-an-5099243.html"
    body = f'<a href="https://vnexpress.net:99999/bad-link-5099244.html">x</a><a href="{good}">y</a>'
    listing = HtmlResponse(url="https://vnexpress.net/thoi-su", body=body.encode(), request=Request(good))
    out = list(spider.parse_listing(listing, listing=None, page=1))
    assert [r.url for r in out] == [good]
    assert spider.crawler.stats.get_value("outlet/vnexpress/bad_link") == 1


def test_a_bad_gzipped_sitemap_is_counted_as_not_xml():
    spider = _spider(settings={"DOWNLOAD_MAXSIZE": 1000})
    url = spider.source.news_sitemaps[0]
    packed = gzip.compress(_response(url).body + b"<!--" + b" " * 2000 + b"-->")
    bodies = {
        "truncated": packed[:12],  # EOFError
        "corrupt": packed[:10] + b"\xff" * 20 + packed[30:],  # zlib.error
        "over DOWNLOAD_MAXSIZE": packed,  # ValueError
    }
    for name, body in bodies.items():
        response = XmlResponse(url=url + ".gz", body=body, request=Request(url + ".gz"))
        assert list(spider.parse_sitemap(response)) == [], name
    assert spider.crawler.stats.get_value("outlet/vnexpress/discovery_failed/not_xml") == len(bodies)
    roomy = _spider(settings={"DOWNLOAD_MAXSIZE": 100_000})  # the same file within the limit is read
    response = XmlResponse(url=url + ".gz", body=packed, request=Request(url + ".gz"))
    assert len(list(roomy.parse_sitemap(response))) == 1
