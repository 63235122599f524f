"""Exports: `vnnews export` from a real store, and Scrapy feed exports of a replay crawl, read back."""

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
from exporters.files import CSV_LIST_SEPARATOR, EXPORT_FIELDS, PARQUET_SCHEMA, csv_row, write_articles
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


def _export(uri: str, db: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "crawler.cli", "export", "--uri", uri, "--database", db, *args]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, timeout=120)


def test_export_filters_and_formats_read_back(mongo_server, mongo_db, tmp_path):
    _store(mongo_server, mongo_db.name, tmp_path / "spool", _articles())

    done = _export(mongo_server, mongo_db.name, "--outlet", "dantri", "--since", "2026-07-17")
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    # dantri = even i; since 17 July (VN midnight) leaves i = 2, 4
    assert sorted(r["url"] for r in rows) == [
        "https://baotintuc.vn/thoi-su/tin-2.htm",
        "https://baotintuc.vn/thoi-su/tin-4.htm",
    ]
    first = next(r for r in rows if r["url"].endswith("tin-2.htm"))
    assert list(first) == list(EXPORT_FIELDS)
    assert first["published_at"] == "2026-07-18T03:00:00Z"
    assert first["first_seen_at"] == "2026-07-16T12:00:00Z" and first["revision"] == 1
    assert first["title"] == "Tin số 2: mưa lớn ở Hà Nội" and first["tags"] == ["Hà Nội", "tag 2"]
    assert "date_candidates" not in first["extraction"] and "raw" not in first

    until = _export(mongo_server, mongo_db.name, "--until", "2026-07-17", "--story", "story-1", "--out", "-")
    assert [json.loads(x)["url"] for x in until.stdout.decode().splitlines()] == [
        "https://baotintuc.vn/thoi-su/tin-1.htm"  # the date-only until takes in the whole day
    ]

    out_csv = tmp_path / "all.csv"
    assert _export(mongo_server, mongo_db.name, "--out", str(out_csv)).returncode == 0
    with out_csv.open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 6 and list(table[0]) == list(EXPORT_FIELDS)
    row = next(r for r in table if r["url"].endswith("tin-3.htm"))
    assert row["body"] == 'Đoạn một của tin 3.\nĐoạn hai, có dấu phẩy, và "ngoặc kép".'
    assert row["tags"].split(CSV_LIST_SEPARATOR) == ["Hà Nội", "tag 3"]
    assert json.loads(row["published"])["source"] == "jsonld" and row["dateline"] == ""

    out_pq = tmp_path / "all.parquet"
    assert _export(mongo_server, mongo_db.name, "--out", str(out_pq), "--outlet", "baotintuc").returncode == 0
    parquet = pq.read_table(out_pq)
    assert parquet.schema.equals(PARQUET_SCHEMA) and parquet.num_rows == 3
    by_url = {r["url"]: r for r in parquet.to_pylist()}
    assert by_url["https://baotintuc.vn/thoi-su/tin-5.htm"]["published_at"] == datetime(
        2026, 7, 21, 3, tzinfo=UTC
    )
    assert not list(tmp_path.glob("*.partial"))


def test_export_bad_arguments_and_unreachable_store(mongo_server, mongo_db, tmp_path):
    bad = _export(mongo_server, mongo_db.name, "--since", "not a date")
    assert bad.returncode == 2 and b"cannot read the date" in bad.stderr
    down = _export(
        "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300", "x", "--out", str(tmp_path / "a.csv")
    )
    assert down.returncode == 5 and b"unreachable" in down.stderr
    assert not list(tmp_path.iterdir())  # no half-written file left behind


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
