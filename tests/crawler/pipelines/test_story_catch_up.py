"""The catch-up at the end of a crawl: the first crawl of a process catches up on everything, a later
one only when an article without a story is there (crawler/pipelines/stories.py, `_catch_up`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from crawler.normalize import body_hash
from crawler.pipelines import CountingStats
from crawler.pipelines import stories as story_stage
from crawler.pipelines.stories import StoryPipeline
from crawler.stories import StoryConfig
from crawler.stories.samples import SAMPLES

T0 = datetime(2026, 7, 17, 8, 0, tzinfo=UTC)
STORM = "\n".join(SAMPLES["bão"][0])
CRASH = "\n".join(SAMPLES["giao thông"][0])


def _unassigned(url: str, body: str, when: datetime) -> dict[str, Any]:
    return {
        "_id": url,
        "url": url,
        "outlet": url.split("/")[2],
        "title": "Tiêu đề",
        "body": body,
        "body_hash": body_hash(body),
        "published_at": when,
        "fetched_at": when,
        "credit": None,
        "story_id": None,
    }


def _catch_up(uri: str, name: str) -> tuple[int, dict[str, Any]]:
    """One crawl's end-of-run catch-up: (full catch-ups it ran, its stats)."""

    crawler = SimpleNamespace(stats=CountingStats())

    async def run() -> int:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
        try:
            pipe = StoryPipeline(crawler, client[name], StoryConfig(), 10)  # type: ignore[arg-type]
            pipe.uri, pipe.timeout_ms = uri, 5000
            full = pipe._assign_unassigned
            calls = []

            def counted(at: str) -> int:
                calls.append(at)
                return full(at)

            pipe._assign_unassigned = counted  # type: ignore[method-assign,assignment]
            await pipe._catch_up()
            return len(calls)
        finally:
            await client.close()

    return asyncio.run(run()), dict(crawler.stats.values)


def test_later_crawls_catch_up_only_when_an_article_waits(
    mongo_server: str, mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(story_stage, "_CAUGHT_UP", set())
    mongo_db.articles.insert_one(_unassigned("https://vietnamplus.vn/bao.vnp", STORM, T0))

    runs, stats = _catch_up(mongo_server, mongo_db.name)  # the first crawl of the process to finish
    assert runs == 1 and stats["stories/caught_up"] == 1
    assert mongo_db.articles.find_one({"_id": "https://vietnamplus.vn/bao.vnp"})["story_id"]

    assert _catch_up(mongo_server, mongo_db.name)[0] == 0  # nothing waits: one query, no catch-up

    late = "https://vnexpress.net/tai-nan.html"  # stored without a story by a later crawl (an outage)
    mongo_db.articles.insert_one(_unassigned(late, CRASH, T0 + timedelta(hours=1)))
    runs, stats = _catch_up(mongo_server, mongo_db.name)
    assert runs == 1
    assert mongo_db.articles.find_one({"_id": late})["story_id"]
