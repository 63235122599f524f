"""`vnnews export` from a real store: filters, the three formats read back, bad arguments, store down."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime

import pyarrow.parquet as pq

from exporters.files import CSV_LIST_SEPARATOR, EXPORT_FIELDS, PARQUET_SCHEMA
from tests.conftest import REPO_ROOT
from tests.exporters.test_files import _articles, _store


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
