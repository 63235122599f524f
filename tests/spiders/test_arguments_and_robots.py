"""Strict `-a` arguments (one line and exit 2 from `scrapy crawl`, before any request) and discovery of
the sitemaps that only robots.txt names."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import VN_TZ
from crawler.normalize import canonical_url
from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.site import robots_sitemap_url
from spiders.base import NewsSpider, OutletSpider, SpiderArgumentError
from spiders.outlets import SPIDERS
from tests.conftest import REPO_ROOT
from tests.factories import with_project_settings
from tests.spiders.conftest import crawl, outlet_stats

BAD_ARGUMENTS = [
    (["news"], "give the outlet"),
    (["news", "-a", "source=khongco"], "unknown outlet khongco; valid: baomoi"),
    (["vnexpress", "-a", "sinse=2026-01-01"], "unknown argument sinse; valid: since, until, max_pages"),
    (["vnexpress", "-a", "since=2026-13-45"], "cannot read since=2026-13-45: expected an ISO date"),
    (["vnexpress", "-a", "until=ngày mai"], "cannot read until=ngày mai"),
    (["vnexpress", "-a", "since=2026-07-10", "-a", "until=2026-07-01"], "is before since"),
    (["vnexpress", "-a", "max_pages=-1"], "cannot read max_pages=-1"),
    (["vnexpress", "-a", "refresh_hours=nhiều"], "cannot read refresh_hours=nhiều"),
    (["vnexpress", "-a", "channels=feeds,rss"], "unknown channels rss; valid: feeds, sitemaps, listings"),
]


def _scrapy_crawl(tmp_path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl` in a subprocess; were the check to let a crawl start, it would only reach a closed
    local port (REPLAY_URL) and an unreachable store, never the network."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path)}
    env.pop("VNNEWS_REPLAY_URL", None)
    guard = ["-s", "REPLAY_URL=http://127.0.0.1:9", "-s", "MONGODB_URI=mongodb://127.0.0.1:9/?timeoutMS=500"]
    command = [sys.executable, "-m", "scrapy", "crawl", *args, *guard]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("args", "message"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_a_bad_argument_is_one_line_and_exit_2(tmp_path, args, message):
    done = _scrapy_crawl(tmp_path, args)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr[-2000:]
    assert done.stdout == ""


def _read(cls: type[OutletSpider] = SPIDERS["vnexpress"], **kwargs: str) -> dict:
    return cls.read_arguments(kwargs)


def test_window_bounds_in_every_form_the_date_reader_knows():
    now = datetime.now(VN_TZ)
    yesterday = datetime.combine((now - timedelta(days=1)).date(), datetime.min.time(), VN_TZ)
    three_days = datetime.combine((now - timedelta(days=3)).date(), datetime.min.time(), VN_TZ)
    assert _read(since="yesterday")["since"] == yesterday
    assert _read(since="hôm qua")["since"] == yesterday
    assert _read(since="3 ngày trước")["since"] == three_days
    assert _read(since="3 days ago")["since"] == three_days
    assert abs(_read(since="48h")["since"] - (datetime.now(UTC) - timedelta(hours=48))) < timedelta(minutes=1)
    assert (
        _read(since="2026-07-01", until="2026-07-02")["until"].isoformat()
        == "2026-07-02T23:59:59.999999+07:00"
    )
    read = _read(max_pages="5", refresh_hours="1.5", channels="sitemaps, feeds", _job="abc123")
    assert (read["max_pages"], read["refresh_hours"], read["channels"]) == (5, 1.5, ("sitemaps", "feeds"))
    assert _read()["channels"] == ("feeds", "sitemaps", "listings") and _read()["since"] is None


def test_the_spider_itself_refuses_what_scrapy_crawl_refuses():
    crawler = get_crawler(SPIDERS["vnexpress"], with_project_settings())
    with pytest.raises(SpiderArgumentError, match="unknown argument sinse"):
        crawler._create_spider(sinse="2026-01-01")
    spider = get_crawler(NewsSpider, with_project_settings())._create_spider(source="dantri", since="7d")
    assert spider.source.id == "dantri" and spider.since is not None and spider.max_pages is None


def test_robots_sitemaps_the_profile_does_not_list_are_followed_and_counted():
    spider = get_crawler(SPIDERS["tuoitre"], with_project_settings())._create_spider()
    robots = [r for r in spider.discovery_requests() if r.meta["vnnews_kind"] == "robots"]
    assert [r.url for r in robots] == ["https://tuoitre.vn/robots.txt"]
    body = (
        "User-agent: *\nDisallow: /tim-kiem\n"
        "Sitemap: https://tuoitre.vn/sitemap.xml\n"  # in the profile: keeps its own schedule
        "Sitemap: https://tuoitre.vn/sitemaps/video.xml\n"
        "sitemap: /sitemaps/video.xml\n"  # the same one again, relative
        "Sitemap: https://quangcao.example.com/sitemap.xml\n"  # another site's
    )
    response = TextResponse(robots[0].url, body=body.encode(), encoding="utf-8", request=robots[0])
    out = list(spider.parse_robots(response))
    assert [(r.url, r.cb_kwargs) for r in out] == [
        ("https://tuoitre.vn/sitemaps/video.xml", {"via": "robots_sitemap"})
    ]
    assert spider.crawler.stats.get_value("outlet/tuoitre/robots_sitemaps") == 1


def test_a_replay_crawl_finds_articles_through_robots_txt(tmp_path, mongo_server, mongo_db):
    outlets = ["vnexpress", "tuoitre"]  # one own page each: with split, it is only in the robots sitemap
    site = ReplaySite(load_corpus(["own"], outlets=outlets), split=True, robots_sitemap=True)
    with ReplayServer(site) as server:
        stats = crawl(tmp_path, server.url, mongo_server, mongo_db.name, outlets)
    for outlet in outlets:
        counts = outlet_stats(stats, outlet)
        assert counts["robots_sitemaps"] == 1 and counts["found_via/robots_sitemap"] == 1, counts
        assert site.hits_for(robots_sitemap_url(SPIDERS[outlet].source)) == 1
    stored = {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    assert stored == {canonical_url(p.url) for p in site.pages.values() if p.kind == "article"}
