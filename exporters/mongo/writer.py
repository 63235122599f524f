"""Buffered, asynchronous article writes that survive a store outage.

`ArticleWriter` knows nothing of Scrapy: the crawl pipeline drives it, and so can a script or a test.
It buffers items, writes them with one unordered `bulk_write` per flush, and when the server is
unreachable (or a write fails for a reason other than the document itself) it spools the batch to
disk and replays it at the next flush after the store is back, or at the next run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pymongo import InsertOne, UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

from crawler.items import Article
from crawler.store.breaker import CircuitBreaker
from crawler.store.schema import (
    ARTICLES,
    DUPLICATE_KEY,
    PAGES,
    classify,
    describe_validation_error,
    ensure_articles_collection,
    first_by_body_hash,
    insert_article,
    insert_page,
    page_document,
    upsert_article,
    upsert_page,
    utcnow,
)
from exporters.mongo.spool import Spool

if TYPE_CHECKING:
    from datetime import datetime

    from pymongo.asynchronous.database import AsyncDatabase

logger = logging.getLogger(__name__)

VALIDATION_FAILED = 121

StatsInc = Callable[[str, int], None]


def _no_stats(key: str, count: int) -> None:
    return None


class ArticleWriter:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        spool_dir: Path,
        *,
        articles: str = ARTICLES,
        pages: str = PAGES,
        buffer_size: int = 500,
        retry_after: float = 10.0,
        breaker: CircuitBreaker | None = None,
        keep_raw_html: bool = True,
        raw_retention_days: int = 0,
        stats_inc: StatsInc = _no_stats,
        prepare: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`prepare`: creates the collections and indexes before the first write (default:
        `ensure_articles_collection`; a crawl's pipeline runs it once per process)."""
        self.db = db
        self.articles = articles
        self.pages = pages
        self.spool = Spool(spool_dir / "pending")
        self.rejected = Spool(spool_dir / "rejected")
        self.buffer: list[dict[str, Any]] = []
        self.buffer_size = buffer_size
        self.retry_after = retry_after
        self.keep_raw_html = keep_raw_html
        self.raw_retention_days = raw_retention_days
        self.stats_inc = stats_inc
        self._prepared = False
        self._prepare = prepare or (lambda: ensure_articles_collection(db, articles, pages))
        # shared with the crawl's other store users (MongoConnection.breaker): one outage, one wait
        self.breaker = breaker or CircuitBreaker(retry_after)
        self._lock = asyncio.Lock()

    # -- public -----------------------------------------------------------------------------------

    def add(self, article: Article, seen_at: datetime | None = None) -> bool:
        """Buffer one article; True when the buffer is full and should be flushed."""
        seen_at = seen_at or utcnow()
        entry: dict[str, Any] = {"article": article.to_document(), "seen_at": seen_at, "page": None}
        if self.keep_raw_html and article.raw is not None:
            entry["page"] = page_document(
                article.url,
                article.outlet,
                article.fetched_url,
                article.fetched_at,
                article.raw.body,
                encoding=article.raw.encoding,
                status=article.raw.status,
                content_type=article.raw.content_type,
                packed=article.raw.packed,
                retention_days=self.raw_retention_days,
            )
        self.buffer.append(entry)
        return len(self.buffer) >= self.buffer_size

    async def flush(self) -> None:
        """Write what is buffered (and, when the store is reachable, what was spooled before)."""
        async with self._lock:
            batch, self.buffer = self.buffer, []
            if not batch and self._prepared and not self.spool.files():
                return  # no store call to make: the breaker learns nothing
            if not self.breaker.allow():
                self._spool(batch, "store unavailable")
                return
            try:
                if not self._prepared:
                    await self._prepare()
                    self._prepared = True
                await self._drain_spool()
                if batch:
                    await self._write(batch)
            except PyMongoError as exc:
                self.breaker.failed()
                logger.warning("MongoDB write failed (%s); spooling and retrying later", _short(exc))
                self._spool(batch, "write failed")
            except asyncio.CancelledError:
                # A crawl stopped mid-write: part of the batch may be stored, but the upserts are
                # idempotent, so the whole batch goes to the spool and the next run completes it.
                self._spool(batch, "flush cancelled")
                self.breaker.abandoned()
                raise
            else:
                self.breaker.succeeded()

    # -- internals ------------------------------------------------------------------------------

    def _spool(self, entries: list[dict[str, Any]], reason: str) -> None:
        if not entries:
            return
        path = self.spool.append(entries)
        self._count(entries, "spooled")
        logger.info("Spooled %d articles to %s (%s)", len(entries), path, reason)

    async def _drain_spool(self) -> None:
        for path in self.spool.files():
            entries = list(self.spool.read(path))
            if entries:
                await self._write(entries)
                self.stats_inc("mongo/unspooled", len(entries))
            self.spool.remove(path)
            logger.info("Wrote %d spooled articles from %s", len(entries), path)

    async def _write(self, entries: list[dict[str, Any]]) -> None:
        entries = list({e["article"]["_id"]: e for e in entries}.values())  # last fetch of a URL wins
        docs = [e["article"] for e in entries]
        coll = self.db[self.articles]
        ids = [d["_id"] for d in docs]
        stored = {
            d["_id"]: d["content_hash"] async for d in coll.find({"_id": {"$in": ids}}, {"content_hash": 1})
        }
        owners: dict[str, str] = {}
        cursor = coll.find({"body_hash": {"$in": list({d["body_hash"] for d in docs})}}, {"body_hash": 1})
        async for d in cursor.sort([("first_seen_at", 1), ("_id", 1)]):
            owners.setdefault(d["body_hash"], d["_id"])
        duplicate_of = first_by_body_hash(docs, owners)
        # two writers raced on a new URL (its insert fails on the unique `_id`): the loser gets the
        # upsert that compares with what is stored
        failed = await self._bulk_inserts(
            self.articles,
            [_article_op(e, duplicate_of, insert=_inserts(e, stored)) for e in entries],
            lambda i: _article_op(entries[i], duplicate_of, insert=False),
        )
        for index, entry in enumerate(entries):
            doc = entry["article"]
            if index in failed:
                continue
            outcome = classify(doc, stored.get(doc["_id"]))
            self._count([entry], outcome)
            if doc["_id"] in duplicate_of and outcome == "new":
                self._count([entry], "duplicate")
        invalid = [entries[i] for i, code in failed.items() if code == VALIDATION_FAILED]
        if invalid:
            path = self.rejected.append(invalid)
            self._count(invalid, "invalid")
            logger.error("%d refused articles kept in %s", len(invalid), path)
        others = [entries[i] for i, code in failed.items() if code != VALIDATION_FAILED]
        self._spool(others, "write errors")
        pages = [e for i, e in enumerate(entries) if e["page"] is not None and i not in failed]
        await self._bulk_inserts(
            self.pages,
            [insert_page(e["page"]) if _inserts(e, stored) else upsert_page(e["page"]) for e in pages],
            lambda i: upsert_page(pages[i]["page"]),
        )

    async def _bulk_inserts(
        self, collection: str, ops: list[Any], instead: Callable[[int], Any]
    ) -> dict[int, int]:
        """`_bulk`, then `instead(i)` for each op i that failed on a duplicate key (an insert of a
        document another writer stored meanwhile); returns the failures left."""
        failed = await self._bulk(collection, ops)
        retry = [i for i, code in failed.items() if code == DUPLICATE_KEY]
        again = await self._bulk(collection, [instead(i) for i in retry])
        for j, i in enumerate(retry):
            if j in again:
                failed[i] = again[j]
            else:
                del failed[i]
        return failed

    async def _bulk(self, collection: str, ops: list[Any]) -> dict[int, int]:
        """Run an unordered bulk write; returns {op index: error code} for the ops that failed."""
        if not ops:
            return {}
        try:
            await self.db[collection].bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            if exc.details.get("writeConcernErrors"):
                raise
            failed: dict[int, int] = {}
            for error in exc.details.get("writeErrors", []):
                failed[error["index"]] = error["code"]
                if error["code"] == VALIDATION_FAILED:
                    logger.error("MongoDB refused an article: %s", describe_validation_error(error))
            return failed
        return {}

    def _count(self, entries: list[dict[str, Any]], outcome: str) -> None:
        self.stats_inc(f"mongo/{outcome}", len(entries))
        for entry in entries:
            self.stats_inc(f"outlet/{entry['article']['outlet']}/{outcome}", 1)


def _inserts(entry: dict[str, Any], stored: Mapping[str, str]) -> bool:
    """Whether the entry's first write is an insert: its URL was not stored."""
    return entry["article"]["_id"] not in stored


def _article_op(
    entry: dict[str, Any], duplicate_of: Mapping[str, str], *, insert: bool
) -> InsertOne[dict[str, Any]] | UpdateOne:
    """A URL the store did not hold is inserted (cheap for the server); a stored one is compared
    with what is stored (`upsert_article`)."""
    doc = entry["article"]
    write = insert_article if insert else upsert_article
    return write(doc, entry["seen_at"], duplicate_of.get(doc["_id"]))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


__all__ = ["ArticleWriter", "ensure_articles_collection"]
