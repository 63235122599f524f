"""The crawls of one process prepare a store's collections and indexes once (`prepare_once`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.errors import ServerSelectionTimeoutError

from crawler.store.connection import MongoConnection
from crawler.store.schema import ARTICLE_INDEXES, ensure_articles_collection


def test_the_crawls_of_a_process_create_the_indexes_once_and_again_after_a_failure(
    mongo_server: str, mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MongoConnection, "_prepared", {})
    runs: list[str] = []

    async def crawls() -> None:
        connections = [MongoConnection(mongo_server, mongo_db.name, 5000, None) for _ in range(3)]

        def prepare(conn: MongoConnection, fail: bool = False) -> Any:
            async def run() -> None:
                runs.append("run")
                if fail:
                    raise ServerSelectionTimeoutError("the store is down")
                await asyncio.sleep(0.05)  # the others ask while this one is under way
                await ensure_articles_collection(conn.database)

            return run

        try:
            with pytest.raises(ServerSelectionTimeoutError):
                await connections[0].prepare_once("articles", prepare(connections[0], fail=True))
            await asyncio.gather(*(c.prepare_once("articles", prepare(c)) for c in connections))
            await connections[2].prepare_once("articles", prepare(connections[2]))
        finally:
            for conn in connections:
                await conn.close()

    asyncio.run(crawls())
    assert runs == ["run", "run"]  # the failed one, then one for the three crawls and the later call
    created = {ix["name"] for ix in mongo_db.articles.list_indexes()}
    assert {ix.document["name"] for ix in ARTICLE_INDEXES} <= created
