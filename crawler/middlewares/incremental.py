"""Incremental crawls: article URLs already in the store are not fetched again, and a page budget.

`IncrementalMiddleware` (a spider middleware) collects the article requests a callback yields and asks
the `articles` collection, in batches of INCREMENTAL_BATCH_SIZE, which of their canonical URLs (the
`_id`) are stored: one indexed `$in` query per batch, projecting only `published_at`, so memory stays
bounded by the batch whatever the size of the store. Stored URLs are dropped (stat
`outlet/<id>/skipped_known`) unless the article was published within the refresh window
(`-a refresh_hours=N` or INCREMENTAL_REFRESH_HOURS): those are fetched again to pick up corrections
(`outlet/<id>/refetched`). When the store cannot be asked, nothing is skipped and the crawl goes on.

Pages that turned out not to be news (an aggregator's redirect page, a listing that looks like an
article URL) are remembered in the `crawl_skips` collection (INCREMENTAL_SKIP_COLLECTION, `_id` =
canonical URL, expiring after INCREMENTAL_SKIP_DAYS through a TTL index), so a rerun does not fetch
them again either (`outlet/<id>/skipped_not_news`). The extraction stage drops them with `NotNews`;
this middleware hears it through the `item_dropped` signal. When INCREMENTAL_SKIP_DAYS changes, the
index's expiry is changed (collMod) to the new value.

A callback that raises part-way still has the article requests it yielded before checked and sent on;
the error is raised after them.

`PageBudgetMiddleware` then lets through at most `-a max_pages=N` article requests per crawl
(`outlet/<id>/skipped_budget` for the rest), so known URLs do not eat the budget.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import OperationFailure, PyMongoError
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from crawler.pipelines.extract import NotNews
from crawler.store.connection import MongoConnection, get_database

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# create_index on an existing index of another TTL: IndexOptionsConflict (MongoDB), IndexKeySpecsConflict
# (SecantusDB)
_INDEX_CONFLICT = (85, 86)


def _is_article(obj: Any) -> bool:
    return isinstance(obj, Request) and bool(obj.meta.get("vnnews_article"))


def _outlet(request: Request) -> str:
    return str(request.meta.get("vnnews_outlet") or "unknown")


class IncrementalMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        batch_size: int,
        refresh_hours: float,
        collection: str,
        skip_collection: str,
        skip_days: float,
    ) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.default_refresh_hours = refresh_hours
        self.collection_name = collection
        self.skip_collection = skip_collection
        self.skip_days = skip_days
        self._warned = False
        self._skip_warned = False
        self._skip_index_ready = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        middleware = cls(
            crawler,
            settings.getint("INCREMENTAL_BATCH_SIZE"),
            settings.getfloat("INCREMENTAL_REFRESH_HOURS"),
            settings.get("MONGODB_ARTICLES_COLLECTION"),
            settings.get("INCREMENTAL_SKIP_COLLECTION"),
            settings.getfloat("INCREMENTAL_SKIP_DAYS"),
        )
        crawler.signals.connect(middleware.item_dropped, signal=signals.item_dropped)
        return middleware

    @property
    def refresh_hours(self) -> float:
        spider = self.crawler.spider
        value = getattr(spider, "refresh_hours", None)
        return float(value) if value is not None else self.default_refresh_hours

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        batch: list[Request] = []
        try:
            async for obj in result:
                if not _is_article(obj):
                    yield obj
                    continue
                batch.append(obj)
                if len(batch) >= self.batch_size:
                    for request in await self.unknown(batch):
                        yield request
                    batch = []
        except Exception:
            # the callback failed part-way: what it found before still goes out, then the error
            if batch:
                for request in await self.unknown(batch):
                    yield request
            raise
        if batch:
            for request in await self.unknown(batch):
                yield request

    async def item_dropped(self, item: Any, response: Response | None, exception: BaseException) -> None:
        """A page the extraction stage found not to be news is remembered, so reruns skip it."""
        if not isinstance(exception, NotNews) or response is None:
            return
        key = response.meta.get("vnnews_article")
        if key:
            outlet = str(response.meta.get("vnnews_outlet") or "unknown")
            await self.remember_not_news(key, outlet, exception.result.page_type)

    async def remember_not_news(self, key: str, outlet: str, page_type: str) -> None:
        try:
            coll = get_database(self.crawler)[self.skip_collection]
            if not self._skip_index_ready:
                await self._skip_index(coll)
                self._skip_index_ready = True
            fields = {"outlet": outlet, "page_type": page_type, "seen_at": datetime.now(UTC)}
            await coll.update_one({"_id": key}, {"$set": fields}, upsert=True)
        except PyMongoError as exc:
            log = logger.debug if self._skip_warned else logger.warning
            log("Could not remember %s as not news: %s", key, exc)
            self._skip_warned = True

    async def _skip_index(self, coll: Any) -> None:
        """The TTL index of the skip collection; an existing one with another TTL gets the new one."""
        ttl = int(self.skip_days * 86400)
        try:
            await coll.create_index("seen_at", expireAfterSeconds=ttl)
        except OperationFailure as exc:
            if exc.code not in _INDEX_CONFLICT:
                raise
            # INCREMENTAL_SKIP_DAYS changed since the index was built: change its TTL in place
            index = {"keyPattern": {"seen_at": 1}, "expireAfterSeconds": ttl}
            await coll.database.command("collMod", coll.name, index=index)
            logger.info("Expiry of %s changed to %s s (INCREMENTAL_SKIP_DAYS)", coll.name, ttl)

    async def unknown(self, requests: list[Request]) -> list[Request]:
        """The requests whose article is not stored, or is recent enough to be refreshed."""
        keys = [r.meta["vnnews_article"] for r in requests]
        try:  # behind the crawl's store breaker: with the store down, no wait per batch
            breaker = MongoConnection.from_crawler(self.crawler).breaker
            stored, not_news = await breaker.call(lambda: self._known(keys))
        except PyMongoError as exc:
            if not self._warned:
                logger.warning("Cannot ask the store which URLs are known (%s); fetching them all", exc)
                self._warned = True
            self.crawler.stats.inc_value("incremental/store_unavailable", len(requests))
            return requests
        stats = self.crawler.stats
        stats.inc_value("incremental/checked", len(requests))
        hours = self.refresh_hours
        cutoff = datetime.now(UTC) - timedelta(hours=hours) if hours > 0 else None
        kept = []
        for request in requests:
            key = request.meta["vnnews_article"]
            if key in not_news:
                stats.inc_value(f"outlet/{_outlet(request)}/skipped_not_news")
                continue
            if key not in stored:
                kept.append(request)
                continue
            published = stored[key]
            if cutoff is not None and published is not None and _aware(published) >= cutoff:
                stats.inc_value(f"outlet/{_outlet(request)}/refetched")
                kept.append(request)
            else:
                stats.inc_value(f"outlet/{_outlet(request)}/skipped_known")
        return kept

    async def _known(self, keys: list[str]) -> tuple[dict[str, Any], set[str]]:
        """{stored key: published_at} and the keys remembered as not news."""
        coll = get_database(self.crawler)[self.collection_name]
        cursor = coll.find({"_id": {"$in": keys}}, {"published_at": 1})
        stored = {d["_id"]: d.get("published_at") async for d in cursor}
        rest = [k for k in keys if k not in stored]
        skips = get_database(self.crawler)[self.skip_collection].find({"_id": {"$in": rest}}, {"_id": 1})
        not_news = {d["_id"] async for d in skips} if rest else set()
        return stored, not_news


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PageBudgetMiddleware:
    """At most the spider's `max_pages` article requests leave the spider in one crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        budget = getattr(self.crawler.spider, "max_pages", None)
        async for obj in result:
            if budget is not None and _is_article(obj):
                if self.sent >= budget:
                    self.crawler.stats.inc_value(f"outlet/{_outlet(obj)}/skipped_budget")
                    continue
                self.sent += 1
            yield obj
