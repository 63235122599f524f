"""Every outlet declaration compiles, and its article pattern accepts its real pages and rejects listings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.outlets import OUTLETS, Archive, Listing, Outlet, get_outlet, outlet_of

REQUIRED = {
    "vietnamplus", "baotintuc", "bnews", "vnanet", "vnexpress", "tuoitre", "thanhnien", "dantri",
    "vietnamnet", "nhandan", "tienphong", "kenh14", "cafef", "genk", "soha", "znews", "baomoi",
}  # fmt: skip


def test_every_required_outlet_is_declared_and_its_rules_know_it():
    assert set(OUTLETS) >= REQUIRED
    for outlet_id, outlet in OUTLETS.items():
        assert outlet.id == outlet_id
        assert (outlet.rules.outlet, outlet.rules.domains) == (outlet.id, outlet.domains)


@pytest.mark.parametrize("profile", OUTLETS.values(), ids=lambda p: p.id)
def test_profile_rejects_its_own_discovery_pages(profile: Outlet):
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
            profile = OUTLETS[row["outlet"]]
            assert profile.is_article(row["url"]), row["url"]
            assert outlet_of(row["url"]) is profile
            assert profile.verified, f"{profile.id} has a real page: mark it verified"
            seen.add(profile.id)
    unverified = {p.id for p in OUTLETS.values() if p.verified} - seen
    assert not unverified, f"marked verified without a saved page: {unverified}"


def test_pattern_rejects_other_outlets_and_lookalikes():
    vnexpress = get_outlet("vnexpress")
    assert vnexpress.is_article("https://vnexpress.net/chay-rung-o-nghe-an-5099243.html")
    assert vnexpress.is_article("https://m.vnexpress.net/chay-rung-o-nghe-an-5099243.html")
    assert not vnexpress.is_article("https://vnexpress.net.evil.example/chay-rung-5099243.html")
    assert not vnexpress.is_article("https://tuoitre.vn/chay-rung-o-nghe-an-5099243.html")
    assert not vnexpress.is_article("https://vnexpress.net/thoi-su-p2")
    assert outlet_of("https://example.com/a-1234567.html") is None


def test_tracking_parameters_do_not_hide_an_article():
    vnexpress = get_outlet("vnexpress")
    article = "https://vnexpress.net/chay-rung-o-nghe-an-5099243.html"
    assert vnexpress.is_article(article + "?utm_source=rss&utm_medium=feed")
    assert vnexpress.is_article(article + "?")
    assert not vnexpress.is_article("https://vnexpress.net/thoi-su?page=2")
    # a pattern that spells the query still sees it
    by_id = Outlet(id="x", name="X", domains=("x.vn",), article_pattern=r"/tin\?id=\d+")
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
        Outlet(id="x", name="X", domains=("x.vn",), article_pattern=r"/a", feeds=("https://y.vn/rss",))
    with pytest.raises(KeyError, match="unknown outlet"):
        get_outlet("nope")
