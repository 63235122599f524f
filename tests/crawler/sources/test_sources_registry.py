"""Every source profile compiles, and its article pattern accepts its real pages and rejects listings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.extraction import OUTLETS
from crawler.sources import SOURCES, get_source, source_for_url
from crawler.sources.profile import Archive, Listing, SourceProfile

REQUIRED = {
    "vietnamplus", "baotintuc", "bnews", "vnanet", "vnexpress", "tuoitre", "thanhnien", "dantri",
    "vietnamnet", "nhandan", "tienphong", "kenh14", "cafef", "genk", "soha", "znews", "baomoi",
}  # fmt: skip


def test_every_outlet_has_a_profile_with_the_extraction_domains():
    assert set(SOURCES) >= REQUIRED
    for outlet, domains in OUTLETS.items():
        assert set(domains) <= set(SOURCES[outlet].domains), outlet


@pytest.mark.parametrize("profile", SOURCES.values(), ids=lambda p: p.id)
def test_profile_rejects_its_own_discovery_pages(profile: SourceProfile):
    pages = list(profile.start_urls())
    pages += [listing.page(n) for listing in profile.listings for n in (2, 3)]
    assert pages, profile.id
    for url in pages:
        assert profile.owns(url), url
        assert not profile.is_article(url), f"{profile.id}: {url} taken for an article"
    for domain in profile.domains:
        assert not profile.is_article(f"https://{domain}/")
    assert profile.article_re.pattern


@pytest.mark.shared
def test_article_pattern_matches_the_real_saved_pages(shared_fixtures: Path):
    seen = set()
    with (shared_fixtures / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            profile = SOURCES[row["outlet"]]
            assert profile.is_article(row["url"]), row["url"]
            assert source_for_url(row["url"]) is profile
            assert profile.verified, f"{profile.id} has a real page: mark it verified"
            seen.add(profile.id)
    unverified = {p.id for p in SOURCES.values() if p.verified} - seen
    assert not unverified, f"marked verified without a saved page: {unverified}"


def test_pattern_rejects_other_outlets_and_lookalikes():
    vnexpress = get_source("vnexpress")
    assert vnexpress.is_article("https://vnexpress.net/chay-rung-o-nghe-an-5099243.html")
    assert vnexpress.is_article("https://m.vnexpress.net/chay-rung-o-nghe-an-5099243.html")
    assert not vnexpress.is_article("https://vnexpress.net.evil.example/chay-rung-5099243.html")
    assert not vnexpress.is_article("https://tuoitre.vn/chay-rung-o-nghe-an-5099243.html")
    assert not vnexpress.is_article("https://vnexpress.net/thoi-su-p2")
    assert source_for_url("https://example.com/a-1234567.html") is None


def test_tracking_parameters_do_not_hide_an_article():
    vnexpress = get_source("vnexpress")
    article = "https://vnexpress.net/chay-rung-o-nghe-an-5099243.html"
    assert vnexpress.is_article(article + "?utm_source=rss&utm_medium=feed")
    assert vnexpress.is_article(article + "?")
    assert not vnexpress.is_article("https://vnexpress.net/thoi-su?page=2")
    # a pattern that spells the query still sees it
    by_id = SourceProfile(id="x", name="X", domains=("x.vn",), article_pattern=r"/tin\?id=\d+")
    assert by_id.is_article("https://x.vn/tin?id=123")
    assert not by_id.is_article("https://x.vn/tin?id=abc")
    assert not by_id.is_article("https://x.vn/tin")


def test_listing_pages_and_archive_days():
    listing = Listing("https://vnexpress.net/thoi-su", "https://vnexpress.net/thoi-su-p{page}")
    assert listing.page(1) == "https://vnexpress.net/thoi-su"
    assert listing.page(3) == "https://vnexpress.net/thoi-su-p3"
    from datetime import date

    archive = Archive("https://x.vn/{day:%Y-%m-%d}/{from_ts}-{to_ts}")
    assert archive.for_day(date(2026, 7, 1)) == "https://x.vn/2026-07-01/1782838800-1782925199"


def test_a_profile_refuses_start_urls_off_its_domains():
    with pytest.raises(ValueError, match="not on the outlet"):
        SourceProfile(id="x", name="X", domains=("x.vn",), article_pattern=r"/a", feeds=("https://y.vn/rss",))
    with pytest.raises(KeyError, match="unknown source"):
        get_source("nope")
