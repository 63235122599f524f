"""Live-crawl behaviour, checked on the replay: robots.txt obeyed, 429 + Retry-After waited out and
retried (or given up when too long), redirects followed, recent articles re-fetched on request, the page
budget kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.site import Reply, path_key
from tests.spiders.conftest import crawl, outlet_stats

OUTLETS = ("vnexpress", "tuoitre", "thanhnien")  # one own replay page each


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=OUTLETS))) as server:
        yield server


def _url(site: ReplaySite, outlet: str) -> str:
    return next(p.url for p in site.pages.values() if p.outlet == outlet)


def test_robots_txt_and_retry_after(tmp_path, replay, mongo_server, mongo_db):
    site = replay.site
    forbidden, throttled = _url(site, "vnexpress"), _url(site, "tuoitre")
    too_long = _url(site, "thanhnien")
    site.disallow(forbidden)
    site.fail(throttled, status=429, times=1, headers={"Retry-After": "1"})
    site.fail(too_long, status=429, times=1, headers={"Retry-After": "3600"})  # over RETRY_AFTER_MAX_DELAY

    stats = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, list(OUTLETS))

    assert site.hits_for(forbidden) == 0
    assert outlet_stats(stats, "vnexpress")["failed/robots_txt"] == 1
    assert mongo_db.articles.count_documents({"outlet": "vnexpress"}) == 0
    assert site.hits_for(throttled) == 2  # the 429, then the retry
    tuoitre = stats["tuoitre"]
    assert tuoitre["retry_after/count"] == 1 and tuoitre["retry_after/seconds"] == 1.0
    assert tuoitre["elapsed_time_seconds"] >= 1.0
    assert outlet_stats(stats, "tuoitre")["new"] == 1
    assert site.hits_for(too_long) == 1  # given up: not retried at once either
    assert stats["thanhnien"]["retry_after/gave_up"] == 1 and "retry_after/count" not in stats["thanhnien"]
    assert outlet_stats(stats, "thanhnien")["failed/http_429"] == 1
    assert mongo_db.articles.count_documents({"outlet": "thanhnien"}) == 0


def test_a_moved_article_is_followed_on_the_replay(tmp_path, replay, mongo_server, mongo_db):
    site = replay.site
    old, relative = _url(site, "vnexpress"), _url(site, "tuoitre")
    new = "https://vnexpress.net/truong-hoc-vung-cao-don-hoc-sinh-5123457.html"  # absolute Location
    site.redirect(old, new)
    site.redirect(relative, "/tp-hcm-den-giao-thong-thong-minh-100261015081500124.htm")

    stats = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, ["vnexpress", "tuoitre"])

    for outlet, url, target in (
        ("vnexpress", old, new),
        ("tuoitre", relative, "https://tuoitre.vn/tp-hcm-den-giao-thong-thong-minh-100261015081500124.htm"),
    ):
        assert site.hits_for(url) == 1 and site.hits_for(target) == 1, outlet  # from the replay, not the site
        assert outlet_stats(stats, outlet)["new"] == 1 and "failed" not in outlet_stats(stats, outlet)
        assert mongo_db.articles.count_documents({"outlet": outlet}) == 1


def test_a_meta_refresh_is_followed_on_the_replay(tmp_path, replay, mongo_server, mongo_db):
    """An outlet's page that forwards with `<meta http-equiv="refresh">` (a long page: the middleware
    reads its head only) is followed to the article, stored under its canonical URL as fetched at the
    refresh's target."""
    site = replay.site
    old = _url(site, "vnexpress")
    new = "https://vnexpress.net/truong-hoc-vung-cao-don-hoc-sinh-5123457.html"
    site.serve(new, Reply(200, "text/html; charset=utf-8", site.pages[path_key(old)].body()))
    forward = (
        f'<html><head><title>Đang chuyển trang</title><meta http-equiv="refresh" content="0; url={new}">'
        f"</head><body>{'<p>Bài viết đã được chuyển sang địa chỉ mới.</p>' * 600}</body></html>"
    )
    site.serve(old, Reply(200, "text/html; charset=utf-8", forward.encode()))

    stats = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, ["vnexpress"])

    assert site.hits_for(old) == 1 and site.hits_for(new) == 1
    assert outlet_stats(stats, "vnexpress")["new"] == 1
    stored = [(d["url"], d["fetched_url"]) for d in mongo_db.articles.find({"outlet": "vnexpress"})]
    assert stored == [(old, new)]  # the saved page names the old URL canonical


def test_refresh_window_and_page_budget(tmp_path, replay, mongo_server, mongo_db):
    site = replay.site
    first = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, list(OUTLETS), args={"max_pages": 0})
    assert all(outlet_stats(first, o)["skipped_budget"] == 1 for o in OUTLETS)
    assert mongo_db.articles.count_documents({}) == 0

    crawl(tmp_path, replay.url, mongo_server, mongo_db.name, list(OUTLETS))
    assert mongo_db.articles.count_documents({}) == len(OUTLETS)

    # a window reaching back past the oldest publication re-fetches them, a one-hour window does not
    oldest = min(p.published for p in site.pages.values())
    hours = (datetime.now(UTC) - oldest).total_seconds() / 3600 + 24
    wide = crawl(
        tmp_path, replay.url, mongo_server, mongo_db.name, list(OUTLETS), args={"refresh_hours": hours}
    )
    narrow = crawl(
        tmp_path, replay.url, mongo_server, mongo_db.name, list(OUTLETS), args={"refresh_hours": 1}
    )
    for outlet in OUTLETS:
        assert outlet_stats(wide, outlet)["refetched"] == 1
        assert outlet_stats(wide, outlet)["unchanged"] == 1
        assert outlet_stats(narrow, outlet)["skipped_known"] == 1
        assert site.hits_for(_url(site, outlet)) == 2
