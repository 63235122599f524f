"""A truncated or corrupt spool file at the next run: the good records are written, the bad ones kept
aside with a message, nothing is dropped."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from exporters.mongo.writer import ArticleWriter
from tests.factories import make_article

DEAD = "mongodb://127.0.0.1:9/?directConnection=true"  # nothing listens on the discard port here


async def _spool_three(spool: Path, db_name: str) -> Path:
    """Three articles spooled by a run whose store was down, as a killed or failed run leaves them."""
    dead: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(DEAD, serverSelectionTimeoutMS=300)
    writer = ArticleWriter(dead[db_name], spool)
    for i in range(3):
        writer.add(make_article(f"https://baotintuc.vn/thoi-su/tin-spool-{i}-20260716171712046.htm"))
    await writer.flush()
    await dead.close()
    (path,) = (spool / "pending").glob("*.jsonl")
    return path


async def _drain(uri: str, db_name: str, spool: Path) -> dict[str, int]:
    stats: dict[str, int] = {}
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000)
    writer = ArticleWriter(
        client[db_name], spool, stats_inc=lambda k, n: stats.update({k: stats.get(k, 0) + n})
    )
    await writer.flush()
    await client.close()
    return stats


@pytest.mark.faults
def test_a_corrupt_spool_file_writes_the_good_records_and_keeps_the_bad(
    mongo_server: str, mongo_db, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = tmp_path / "spool"
    path = asyncio.run(_spool_three(spool, mongo_db.name))
    good = path.read_bytes().splitlines(keepends=True)
    assert len(good) == 3
    bad = [
        good[1][: len(good[1]) // 2] + b"\n",  # a line cut in the middle (a copy cut short)
        b"\xff\xfe not utf-8 \xc3\x28\n",  # bytes that are not text
        b'{"seen_at": {"$date": "2026-07-16T00:00:00Z"}}\n',  # JSON, but no article in it
    ]
    path.write_bytes(good[0] + bad[0] + good[1] + bad[1] + bad[2] + good[2][:-1])  # the last line unended

    with caplog.at_level(logging.ERROR, logger="exporters.mongo.spool"):
        stats = asyncio.run(_drain(mongo_server, mongo_db.name, spool))

    assert mongo_db.articles.count_documents({}) == 3  # every good record, once
    assert stats["mongo/unspooled"] == 3
    assert not list((spool / "pending").glob("*.jsonl"))  # the file was replayed and removed
    kept = (spool / "corrupt" / path.name).read_bytes().splitlines(keepends=True)
    assert kept == bad  # the bad lines, byte for byte
    messages = [r.getMessage() for r in caplog.records if r.name == "exporters.mongo.spool"]
    assert any("line 2: not JSON" in m for m in messages)
    assert any("line 4: not UTF-8" in m for m in messages)
    assert any("line 5: not a spooled article" in m for m in messages)
    assert len(messages) == 3
