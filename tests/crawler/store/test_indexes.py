"""Every query docs/schema.md shows runs on an index: each one is explained against the test store
(SecantusDB, or the MongoDB of MONGODB_URI) and a collection scan anywhere in the plan fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pymongo
import pytest

from crawler.store.schema import (
    ARTICLE_INDEXES,
    PAGE_INDEXES,
    ensure_articles_collection_sync,
    page_document,
    upsert_article,
)
from tests.conftest import REPO_ROOT
from tests.factories import make_article

SCHEMA_DOC = REPO_ROOT / "docs" / "schema.md"
# Plan stages that read through an index (MongoDB's IDHACK/EXPRESS stages included).
INDEX_STAGES = re.compile(r"IXSCAN|IDHACK|EXPRESS|COUNT_SCAN|DISTINCT_SCAN")
ARTICLES_STORED = 12  # enough documents for every query to have something to find
SKIPS_STORED = 3


def documented_queries() -> list[str]:
    """The `db.…` lines of the sample-queries block, in the order the page shows them."""
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    block = text.split("### Sample queries", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.startswith("db.")]


def _setup_lines() -> str:
    """The block's imports and variables, without the line that connects (the test has its own store)."""
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    block = text.split("### Sample queries", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith(("db", "#", "from pymongo"))]
    return "\n".join(lines)


@pytest.fixture
def store(mongo_db: pymongo.database.Database) -> Iterator[pymongo.database.Database]:
    ensure_articles_collection_sync(mongo_db)
    seen = datetime.now(UTC)
    for i in range(ARTICLES_STORED):
        fields = {
            "outlet": "vietnamplus" if i % 2 else "dantri",
            "story_id": f"story-{i % 3}",
            "fetched_at": seen - timedelta(hours=i),
        }
        url = f"https://baotintuc.vn/thoi-su/tin-thu-nghiem-{i}.htm"
        article = make_article(url=url, body=f"Bài thử nghiệm số {i}. " * 20, **fields)
        mongo_db.articles.bulk_write([upsert_article(article.to_document(), seen - timedelta(hours=i))])
        if i == 0:  # a correction: revision 2
            fixed = make_article(url=url, body="Bài đã sửa. " * 20, **fields)
            mongo_db.articles.bulk_write([upsert_article(fixed.to_document(), seen)])
        page = page_document(
            article.url, article.outlet, article.fetched_url, article.fetched_at, b"<html></html>",
            encoding="utf-8", status=200, content_type="text/html", retention_days=30,
        )  # fmt: skip
        mongo_db.pages.insert_one(page)
    skip = {"outlet": "baomoi", "page_type": "redirect", "seen_at": seen}
    mongo_db.crawl_skips.insert_many(
        [{"_id": f"https://baomoi.com/c/{i}.epi", **skip} for i in range(SKIPS_STORED)]
    )
    mongo_db.crawl_skips.create_index("seen_at", expireAfterSeconds=86400)
    yield mongo_db


def _stages(plan: Any) -> Iterator[str]:
    """Every `stage` name anywhere in an explain document (classic and slot-based plans alike)."""
    if isinstance(plan, dict):
        if isinstance(plan.get("stage"), str):
            yield plan["stage"]
        for value in plan.values():
            yield from _stages(value)
    elif isinstance(plan, list):
        for value in plan:
            yield from _stages(value)


def test_the_schema_page_shows_the_queries_the_issue_names():
    queries = "\n".join(documented_queries())
    for field in ("duplicate_of", "fetched_at", "first_seen_at", "story_id", "outlet", "crawl_skips"):
        assert field in queries, field


@pytest.mark.parametrize("query", documented_queries())
def test_every_documented_query_uses_an_index(store, query):
    names: dict[str, Any] = {"story_id": "story-1", "urls": ["https://baomoi.com/c/1.epi"]}
    exec(_setup_lines(), names)  # the page's own imports, `vn` and `since`
    names["db"] = store
    cursor = eval(query, names)
    assert isinstance(cursor, pymongo.cursor.Cursor), query
    plan = cursor.explain()
    stages = list(_stages(plan.get("queryPlanner", plan)))
    assert "COLLSCAN" not in stages, f"{query}: {stages}"
    assert any(INDEX_STAGES.search(s) for s in stages), f"{query}: {stages}"
    assert list(eval(query, names)) or "published_at" in query  # the query finds what was stored


def test_ensure_creates_every_index_and_can_run_again(mongo_db):
    ensure_articles_collection_sync(mongo_db)
    ensure_articles_collection_sync(mongo_db)  # a second process starting: no error, nothing doubled
    for coll, models in ((mongo_db.articles, ARTICLE_INDEXES), (mongo_db.pages, PAGE_INDEXES)):
        info = coll.index_information()
        assert {m.document["name"] for m in models} <= set(info), sorted(info)
        assert len(info) == len(models) + 1  # and _id_
    assert (
        "$jsonSchema"
        in mongo_db.command("listCollections", filter={"name": "articles"})["cursor"]["firstBatch"][0][
            "options"
        ]["validator"]
    )
