"""Scrapy item pipeline: gives each stored `Article` its story (settings prefixed STORIES_).

It runs before the article store (crawler/settings.py: 700 vs 800), so the item carries `story_id`
into the store's upsert, which keeps an existing one. Articles are assigned in batches, one batch at
a time per crawl (group commit): `process_item` queues its article and awaits the batch it lands
in; while one batch is with the store, the next one fills. A batch is searched with one query for
all its bands. One at a time, because two concurrent batches of one outlet could found two stories
and merge them while the articles still sit in the store's write buffer, where the merge cannot
reach them. The crawls of one process (one per outlet) each have their own: one queue for the
process was measured slower (benchmarks/bench_crawl.py, docs/performance.md), since a batch's time
is mostly the store's round trips, which the crawls' batches in flight together hide.

Another process may merge a story after this one handed it to an article that is still in that
buffer. So once the crawl's articles are written (`spider_closed`, after every pipeline closed), the
story ids this run handed out are settled: articles of a merged-away story move to the survivor.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.items import Article
from crawler.store.breaker import CircuitBreaker, StoreUnavailable
from crawler.store.connection import MongoConnection, get_database, sync_client
from crawler.stories.core import StoryAssignment, StoryConfig
from crawler.stories.fingerprint import BodyFingerprint
from crawler.stories.store import (
    assign_stories_async,
    assign_unassigned,
    ensure_story_indexes_async,
    settle_stories_async,
)

if TYPE_CHECKING:
    from pymongo.asynchronous.database import AsyncDatabase
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# The crawls of one process catch up one after another: the later ones then find nothing left to do.
_CATCH_UP = threading.Lock()
# The stores (uri, database) this process has caught up on: a later crawl of the process catches up
# again only when it finds an article without a story (`StoryPipeline._catch_up`).
_CAUGHT_UP: set[tuple[str, str]] = set()

# Story ids asked about in one settle query at the end of a run (an $in of this many ids).
SETTLE_CHUNK = 1000


def config_from_settings(settings: BaseSettings) -> StoryConfig:
    return StoryConfig(
        threshold=settings.getfloat("STORIES_THRESHOLD"),
        window_days=settings.getint("STORIES_WINDOW_DAYS"),
        max_candidates=settings.getint("STORIES_MAX_CANDIDATES"),
        bands_collection=settings.get("STORIES_BANDS_COLLECTION"),
        stories_collection=settings.get("STORIES_COLLECTION"),
        merges_collection=settings.get("STORIES_MERGES_COLLECTION"),
        search_batch=settings.getint("STORIES_SEARCH_BATCH"),
        articles_collection=settings.get("MONGODB_ARTICLES_COLLECTION"),
        pending_articles=True,  # this pipeline runs before the store's (see the module docstring)
    )


def assignment_document(item: Article) -> dict[str, Any]:
    """The fields story assignment reads (`Article.to_document` would copy the whole item), and the
    body's fingerprint when the extraction worker computed it from the body the article still has."""
    given = item.story_fingerprint
    return {
        "fingerprint": given.fingerprint
        if isinstance(given, BodyFingerprint) and given.body_hash == item.body_hash
        else None,
        "_id": item.url,
        "url": item.url,
        "outlet": item.outlet,
        "title": item.title,
        "body": item.body,
        "body_hash": item.body_hash,
        "credit": item.credit,
        "published_at": item.published_at,
        "fetched_at": item.fetched_at,
    }


_Waiting = tuple[Article, "asyncio.Future[None]"]


class StoryPipeline:
    """Assigns `story_id`; a store outage is logged and counted, never fatal to the crawl."""

    def __init__(
        self, crawler: Crawler, db: AsyncDatabase[dict[str, Any]], config: StoryConfig, batch_size: int
    ) -> None:
        self.crawler = crawler
        self.db = db
        self.config = config
        self.batch_size = batch_size
        self._indexes_ready = False
        self._waiting: list[_Waiting] = []
        self._runner: asyncio.Task[None] | None = None
        self._given: set[str] = set()  # story ids handed out this run: settled at the end
        # the crawl's store breaker (from_crawler): with the store down, batches skip it at once
        self.breaker = CircuitBreaker(0.0)
        self.uri: str | None = None  # for the catch-up of unassigned articles at the end
        self.connection: MongoConnection | None = None
        self.timeout_ms = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        settings = crawler.settings
        if not settings.getbool("STORIES_ENABLED"):
            raise NotConfigured("STORIES_ENABLED is off")
        pipe = cls(
            crawler,
            get_database(crawler),
            config_from_settings(settings),
            settings.getint("STORIES_BATCH_SIZE"),
        )
        connection = MongoConnection.from_crawler(crawler)
        pipe.breaker, pipe.uri, pipe.connection = connection.breaker, connection.uri, connection
        pipe.timeout_ms = settings.getint("MONGODB_SERVER_TIMEOUT_MS")
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def _inc(self, key: str, count: int | float = 1) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(f"stories/{key}", count, start=0)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        await done
        return item

    async def _run(self) -> None:
        """Assign what is waiting, a batch at a time, until nothing is."""
        while self._waiting:
            batch = self._waiting[: self.batch_size]
            del self._waiting[: len(batch)]
            try:
                results = await self._assign([item for item, _ in batch])
            except BaseException as exc:  # a bug fails the batch's items, not the runner
                for _, done in batch:
                    done.set_exception(exc)
                continue
            for (item, done), result in zip(batch, results, strict=True):
                if result is not None:
                    item.story_id = result.story_id
                    self._given.add(result.story_id)
                    self._inc(result.kind)
                done.set_result(None)

    async def _assign(self, items: Sequence[Article]) -> Sequence[StoryAssignment | None]:
        started = time.perf_counter()
        try:
            results = await self.breaker.call(lambda: self._assign_in_store(items))
        except StoreUnavailable:  # the store is down: no wait; these get a story when it is back
            self._inc("deferred", len(items))
            return [None] * len(items)
        except PyMongoError as exc:
            logger.warning("story assignment skipped for %d articles: %s", len(items), exc)
            self._inc("errors", len(items))
            return [None] * len(items)
        self._inc("seconds", time.perf_counter() - started)
        self._inc("batches")
        return results

    async def _assign_in_store(self, items: Sequence[Article]) -> Sequence[StoryAssignment | None]:
        if not self._indexes_ready:
            if self.connection is None:
                await ensure_story_indexes_async(self.db, self.config)
            else:  # once for the crawls of the process
                what = f"stories:{self.config.bands_collection}:{self.config.stories_collection}"
                await self.connection.prepare_once(
                    what, lambda: ensure_story_indexes_async(self.db, self.config)
                )
            self._indexes_ready = True
        return await assign_stories_async(self.db, [assignment_document(i) for i in items], self.config)

    async def _catch_up(self) -> None:
        """Articles stored without a story (a store outage, this run or an earlier one) get one now.

        The first crawl of the process to finish catches up on everything, merged-away stories
        included; a later one only when an article without a story is there, which one query on the
        crawl's own connection tells (a full catch-up opens a client of its own and checks indexes
        and merges: 17 crawls of a `vnnews crawl` doing that one after another took a second)."""
        if self.uri is None or not self.breaker.allow():
            return
        store = (self.uri, self.db.name)
        try:
            if store in _CAUGHT_UP and not await self._unassigned_left():
                return
            done = await asyncio.to_thread(self._assign_unassigned, self.uri)
        except PyMongoError as exc:
            self.breaker.failed()
            logger.warning("unassigned articles wait for the next run: %s", exc)
            return
        self.breaker.succeeded()
        _CAUGHT_UP.add(store)
        if done:
            logger.info("%d articles stored without a story got one", done)
            self._inc("caught_up", done)

    async def _unassigned_left(self) -> bool:
        articles = self.db[self.config.articles_collection]
        return await articles.find_one({"story_id": None}, {"_id": 1}) is not None

    def _assign_unassigned(self, uri: str) -> int:
        stored = dataclasses.replace(self.config, pending_articles=False)  # these are in the store
        with _CATCH_UP, sync_client(uri, self.timeout_ms) as client:
            return assign_unassigned(client[self.db.name], stored)

    async def spider_closed(self) -> None:
        """Settle the story ids handed out: the store now holds this run's articles."""
        given = sorted(self._given)
        started = time.perf_counter()
        try:
            for at in range(0, len(given), SETTLE_CHUNK):
                await settle_stories_async(self.db, given[at : at + SETTLE_CHUNK], self.config)
        except PyMongoError as exc:
            logger.warning("stories not settled (`vnnews stories --assign` repairs them): %s", exc)
            self._inc("settle_errors")
        self._inc("seconds", time.perf_counter() - started)
        await self._catch_up()
