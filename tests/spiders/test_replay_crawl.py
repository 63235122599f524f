"""End to end: the real spiders crawl the replay of every outlet into a fresh store, then again.

The first run stores every article page once with the fields the extraction issue demands; the
second fetches and stores nothing. The replay serves the project's own pages and, when ../shared is
present, the real saved pages; each page is offered in one discovery channel (feed, news sitemap or
listing), so every channel is exercised.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.normalize import canonical_url
from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.corpus import shared_fixtures_dir
from tests.spiders.conftest import crawl, outlet_stats

REQUIRED_FIELDS = (
    "url", "fetched_url", "outlet", "domain", "title", "body", "fetched_at", "published_at",
    "content_hash", "body_hash", "word_count", "language", "schema_version", "first_seen_at", "last_seen_at",
    "story_id",
)  # fmt: skip

SYNDICATED_ORIGINAL = (
    "https://baotintuc.vn/thoi-su/mua-lu-gay-sat-lo-tren-quoc-lo-o-ha-giang-20261023061500456.htm"
)


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayServer]:
    corpora = ["own", "shared"] if shared_fixtures_dir() else ["own"]
    with ReplayServer(ReplaySite(load_corpus(corpora), split=True)) as server:
        yield server


def test_every_outlet_stored_once_then_nothing_new(tmp_path, replay, mongo_server, mongo_db):
    site = replay.site
    articles = [p for p in site.pages.values() if p.kind == "article"]
    others = [p for p in site.pages.values() if p.kind != "article"]
    assert len(site.outlets) >= 17 and others  # every outlet, plus baomoi's redirect pages

    first = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, site.outlets)

    docs = {d["_id"]: d for d in mongo_db.articles.find()}
    assert set(docs) == {canonical_url(p.url) for p in articles}
    for page in articles:
        doc = docs[canonical_url(page.url)]
        missing = [f for f in REQUIRED_FIELDS if doc.get(f) in (None, "", [])]
        assert not missing, f"{page.url}: {missing}"
        assert doc["outlet"] == page.outlet and doc["revision"] == 1
    assert mongo_db.pages.count_documents({}) == len(articles)  # raw HTML kept
    stories = {s["_id"]: s for s in mongo_db.stories.find()}
    assert {d["story_id"] for d in docs.values()} == set(stories)
    assert sorted(a for s in stories.values() for a in s["articles"]) == sorted(docs)
    # The own replay holds one agency story reprinted by dantri ("(Dân trí) - ", "Theo TTXVN", a
    # paragraph cut, another title); every other page, the Lai Châu pair included, is its own story.
    (shared,) = [s for s in stories.values() if len(s["articles"]) > 1]
    assert sorted(shared["outlets"]) == ["baotintuc", "dantri"]
    assert shared["original"]["article"] == SYNDICATED_ORIGINAL
    for outlet in site.outlets:
        mine = [p for p in site.pages.values() if p.outlet == outlet]
        news = sum(p.kind == "article" for p in mine)
        s = outlet_stats(first, outlet)
        assert s["found"] == s["fetched"] == len(mine), (outlet, s)
        assert s.get("new", 0) == news and "failed" not in s, (outlet, s)
    assert outlet_stats(first, "baomoi")["not_news/redirect"] == len(others)
    channels = {k.rsplit("/", 1)[1] for s in first.values() for k in s if "/found_via/" in k}
    assert channels == {"feed", "sitemap", "listing"}
    hits = {url: site.hits_for(url) for url in (p.url for p in site.pages.values())}
    assert set(hits.values()) == {1}

    second = crawl(tmp_path, replay.url, mongo_server, mongo_db.name, site.outlets)

    for outlet in site.outlets:
        s = outlet_stats(second, outlet)
        assert "fetched" not in s and "new" not in s, (outlet, s)
        assert s.get("skipped_known", 0) + s.get("skipped_not_news", 0) == s["found"], (outlet, s)
    assert all(site.hits_for(url) == 1 for url in hits)
    assert mongo_db.articles.count_documents({}) == len(articles)
    assert not any(k == "mongo/new" for s in second.values() for k in s)
