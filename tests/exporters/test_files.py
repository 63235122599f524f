"""Export files: row shapes, Parquet row groups, and Scrapy feed exports of a replay crawl, read back
(`vnnews export` from a real store: tests/crawler/commands/test_export.py)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pymongo import AsyncMongoClient

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.run import REPLAY_SETTINGS
from exporters.feeds import feed_row
from exporters.files import EXPORT_FIELDS, csv_row, write_articles
from exporters.mongo.writer import ArticleWriter
from tests.conftest import REPO_ROOT
from tests.factories import make_article

VN = "+07:00"
SEEN = datetime(2026, 7, 16, 12, 0, tzinfo=UTC)


def _store(uri: str, db_name: str, spool: Path, articles: list) -> None:
    async def write() -> None:
        client = AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=3000)
        try:
            writer = ArticleWriter(client[db_name], spool)
            for article in articles:
                writer.add(article, SEEN)
            await writer.flush()
        finally:
            await client.close()

    asyncio.run(write())


def _articles() -> list:
    day = datetime(2026, 7, 16, 3, 0, tzinfo=UTC)
    return [
        make_article(
            f"https://baotintuc.vn/thoi-su/tin-{i}.htm",
            title=f"Tin số {i}: mưa lớn ở Hà Nội",
            body=f'Đoạn một của tin {i}.\nĐoạn hai, có dấu phẩy, và "ngoặc kép".',
            outlet="baotintuc" if i % 2 else "dantri",
            published_at=day + timedelta(days=i),
            tags=["Hà Nội", f"tag {i}"],
            story_id=f"story-{i % 3}",
        )
        for i in range(6)
    ]


def test_parquet_row_groups_and_csv_cells_in_memory():
    docs = [a.to_document() | {"revision": 1} for a in _articles()]
    buffer = io.BytesIO()
    assert write_articles(iter(docs * 800), "parquet", buffer) == 4800
    meta = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
    assert meta.num_rows == 4800 and meta.num_row_groups == 3  # row groups of 2 000: written as it goes
    cells = csv_row(feed_row(_articles()[0]))
    assert cells["authors"] == "Tâm Hằng" and cells["story_id"] == "story-0"
    assert json.loads(cells["images"]) == [] and cells["first_seen_at"] == ""


@pytest.fixture(scope="module")
def replay():
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=["baotintuc", "dantri"]))) as server:
        yield server


def test_scrapy_feed_exports_never_carry_raw_html(replay, mongo_server, mongo_db, tmp_path):
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("jsonl", "csv", "xml")}
    command = [sys.executable, "-m", "scrapy", "crawl", "dantri", "-L", "WARNING"]
    for key, value in {
        **REPLAY_SETTINGS,
        "REPLAY_URL": replay.url,
        "MONGODB_URI": mongo_server,
        "MONGODB_DATABASE": mongo_db.name,
    }.items():
        command += ["-s", f"{key}={value}"]
    for path in outs.values():
        command += ["-O", str(path)]
    env = {**os.environ, "VNNEWS_HOME": str(tmp_path / "home")}
    env.pop("VNNEWS_REPLAY_URL", None)
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]

    stored = {d["_id"]: d for d in mongo_db.articles.find({"outlet": "dantri"})}
    assert stored and mongo_db.pages.count_documents({"_id": {"$in": list(stored)}}) == len(
        stored
    )  # raw: store
    lines = outs["jsonl"].read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]  # each line parses
    assert sorted(i["url"] for i in items) == sorted(stored)
    for item in items:
        doc = stored[item["url"]]
        assert item["title"] == doc["title"] and item["body"] == doc["body"]
        assert item["published_at"].endswith("Z")
        assert datetime.fromisoformat(item["published_at"]) == doc["published_at"]
        assert item["story_id"] == doc["story_id"] and set(item) == set(EXPORT_FIELDS)

    with outs["csv"].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["url"] for r in rows) == sorted(stored)
    for row in rows:
        assert not any("<html" in cell.lower() or "</p>" in cell.lower() for cell in row.values())
    xml = outs["xml"].read_text(encoding="utf-8")
    assert (
        all(f"<url>{url}</url>" in xml for url in stored)
        and "<html" not in xml.lower()
        and ">None<" not in xml
    )
