"""Runners that execute `crawler.stories.core.assign_flow` with a blocking or an asyncio client.

The flow decides; these only talk to MongoDB. `assign_stories` takes a whole batch (one query for
all its bands); `settle_stories` moves articles written after their story was merged elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from crawler.store.schema import DUPLICATE_KEY
from crawler.stories.core import (
    Find,
    StoryAssignment,
    StoryConfig,
    Together,
    Write,
    Written,
    assign_flow,
    band_indexes,
    settle_flow,
    story_indexes,
)

T = TypeVar("T")


def _duplicates(exc: BulkWriteError) -> Written:
    """The requests another writer beat on `_id` (the flow decides what follows), or `exc` again
    when anything else failed."""
    errors = exc.details.get("writeErrors", [])
    others = exc.details.get("writeConcernErrors") or any(e.get("code") != DUPLICATE_KEY for e in errors)
    if not errors or others:
        raise exc
    return Written(frozenset(e["index"] for e in errors))


def _find_sync(db: Database[dict[str, Any]], op: Find) -> list[dict[str, Any]]:
    return list(db[op.collection].find(op.filter, op.projection, limit=op.limit))


def _execute_sync(db: Database[dict[str, Any]], op: Find | Write | Together) -> Any:
    if isinstance(op, Find):
        return _find_sync(db, op)
    if isinstance(op, Together):
        return [_find_sync(db, find) for find in op.finds]
    if not op.requests:
        return Written()
    try:
        db[op.collection].bulk_write(list(op.requests), ordered=False)
    except BulkWriteError as exc:
        return _duplicates(exc)
    return Written()


async def _find_async(db: AsyncDatabase[dict[str, Any]], op: Find) -> list[dict[str, Any]]:
    return await db[op.collection].find(op.filter, op.projection, limit=op.limit).to_list()


async def _execute_async(db: AsyncDatabase[dict[str, Any]], op: Find | Write | Together) -> Any:
    if isinstance(op, Find):
        return await _find_async(db, op)
    if isinstance(op, Together):
        return list(await asyncio.gather(*(_find_async(db, find) for find in op.finds)))
    if not op.requests:
        return Written()
    try:
        await db[op.collection].bulk_write(list(op.requests), ordered=False)
    except BulkWriteError as exc:
        return _duplicates(exc)
    return Written()


def run_sync(db: Database[dict[str, Any]], flow: Generator[Any, Any, T]) -> T:
    """Drive a flow with a blocking client."""
    try:
        op = next(flow)
        while True:
            op = flow.send(_execute_sync(db, op))
    except StopIteration as stop:
        return cast(T, stop.value)  # StopIteration carries the flow's return value untyped


async def run_async(db: AsyncDatabase[dict[str, Any]], flow: Generator[Any, Any, T]) -> T:
    """Drive a flow with an asyncio client."""
    try:
        op = next(flow)
        while True:
            op = flow.send(await _execute_async(db, op))
    except StopIteration as stop:
        return cast(T, stop.value)  # StopIteration carries the flow's return value untyped


# -- public API ----------------------------------------------------------------------------------


def ensure_story_indexes(db: Database[dict[str, Any]], config: StoryConfig | None = None) -> None:
    cfg = config or StoryConfig()
    db[cfg.bands_collection].create_indexes(band_indexes())
    db[cfg.stories_collection].create_indexes(story_indexes())


async def ensure_story_indexes_async(
    db: AsyncDatabase[dict[str, Any]], config: StoryConfig | None = None
) -> None:
    cfg = config or StoryConfig()
    await db[cfg.bands_collection].create_indexes(band_indexes())
    await db[cfg.stories_collection].create_indexes(story_indexes())


def assign_stories(
    db: Database[dict[str, Any]], article_docs: Sequence[Mapping[str, Any]], config: StoryConfig | None = None
) -> list[StoryAssignment]:
    """Assign stories to a batch of stored articles (blocking client), in the order given."""
    return run_sync(db, assign_flow(article_docs, config or StoryConfig()))


def assign_story(
    db: Database[dict[str, Any]], article_doc: Mapping[str, Any], config: StoryConfig | None = None
) -> StoryAssignment:
    """Assign the story of one stored article and set `story_id` on its document."""
    return assign_stories(db, [article_doc], config)[0]


async def assign_stories_async(
    db: AsyncDatabase[dict[str, Any]],
    article_docs: Sequence[Mapping[str, Any]],
    config: StoryConfig | None = None,
) -> list[StoryAssignment]:
    return await run_async(db, assign_flow(article_docs, config or StoryConfig()))


async def assign_story_async(
    db: AsyncDatabase[dict[str, Any]], article_doc: Mapping[str, Any], config: StoryConfig | None = None
) -> StoryAssignment:
    return (await assign_stories_async(db, [article_doc], config))[0]


def settle_stories(
    db: Database[dict[str, Any]], story_ids: Iterable[str], config: StoryConfig | None = None
) -> None:
    """Move stored articles (and index entries) of stories merged into another since they were given."""
    run_sync(db, settle_flow(story_ids, config or StoryConfig(), datetime.now(UTC)))


async def settle_stories_async(
    db: AsyncDatabase[dict[str, Any]], story_ids: Iterable[str], config: StoryConfig | None = None
) -> None:
    """`settle_stories` with an asyncio client: the crawl runs it once its articles are written."""
    await run_async(db, settle_flow(story_ids, config or StoryConfig(), datetime.now(UTC)))


# Fields of a stored article that story assignment reads.
ASSIGNMENT_PROJECTION = {
    "outlet": 1,
    "title": 1,
    "body": 1,
    "body_hash": 1,
    "credit": 1,
    "published_at": 1,
    "fetched_at": 1,
}


def settle_merged(
    db: Database[dict[str, Any]], config: StoryConfig | None = None, batch_size: int = 500
) -> None:
    """Settle every story ever merged away: repairs articles a crawl stopped before it settled them."""
    cfg = config or StoryConfig()
    cursor = db[cfg.merges_collection].find({}, {"_id": 1}).sort("_id", 1)
    ids: list[str] = []
    for link in cursor:
        ids.append(link["_id"])
        if len(ids) >= batch_size:
            settle_stories(db, ids, cfg)
            ids = []
    if ids:
        settle_stories(db, ids, cfg)


def assign_unassigned(
    db: Database[dict[str, Any]], config: StoryConfig | None = None, batch_size: int = 500
) -> int:
    """Give a story to every stored article without one, oldest first; returns how many.

    Articles stored while story assignment was off or failed (a store outage) are caught up here,
    in batches, so memory stays flat however many there are; articles still naming a story that
    was merged away (a crawl stopped before it settled) move to the survivor.
    """
    cfg = config or StoryConfig()
    ensure_story_indexes(db, cfg)
    settle_merged(db, cfg, batch_size)
    articles = db[cfg.articles_collection]
    done = 0
    previous: list[str] = []
    while True:
        cursor = articles.find({"story_id": None}, ASSIGNMENT_PROJECTION)
        docs = list(cursor.sort([("published_at", 1), ("_id", 1)]).limit(batch_size))
        ids = [d["_id"] for d in docs]
        if not docs or ids == previous:  # the second case: the store refused the writes
            return done
        assign_stories(db, docs, cfg)
        done += len(docs)
        previous = ids
