"""No two crawls of one outlet at once: a lease per outlet in the store (crawler/store/leases.py).

Taken when the spider opens, before any request goes out; if another crawl holds it, the spider is
closed at once with finish reason `lease_refused` (`vnnews crawl` exits 3) and a log line naming the
holder. Renewed every LEASE_RENEW_INTERVAL seconds while the crawl runs, released when it closes; a
crawl killed with -9 frees the outlet LEASE_TTL seconds after its last renewal. When the store cannot
be reached at the start, the crawl goes on unlocked (its writes are spooled anyway) and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from crawler.extensions import run_id, spider_outlets
from crawler.extensions.runs import LEASE_REFUSED
from crawler.store.connection import get_database, redact_uri
from crawler.store.leases import acquire_async, describe, new_owner, release_async, renew_async

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LEASE_LOST = "lease_lost"  # finish reason: the lease expired and another crawl took the outlet


class LeaseExtension:
    """Holds the crawl's outlet leases (LEASE_ENABLED, LEASE_COLLECTION, LEASE_TTL, LEASE_RENEW_INTERVAL)."""

    def __init__(self, crawler: Crawler, collection: str, ttl: float, renew_every: float) -> None:
        if not 0 < renew_every < ttl:
            raise ValueError(f"LEASE_RENEW_INTERVAL ({renew_every}) must be below LEASE_TTL ({ttl})")
        self.crawler = crawler
        self.collection_name = collection
        self.ttl = ttl
        self.renew_every = renew_every
        self.owner = new_owner()
        self.held: list[str] = []
        self._renewer: asyncio.Task[None] | None = None
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseExtension:
        settings = crawler.settings
        if not settings.getbool("LEASE_ENABLED"):
            raise NotConfigured("LEASE_ENABLED is off")
        ext = cls(
            crawler,
            settings.get("LEASE_COLLECTION"),
            settings.getfloat("LEASE_TTL"),
            settings.getfloat("LEASE_RENEW_INTERVAL"),
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def collection(self) -> Any:
        return get_database(self.crawler)[self.collection_name]

    async def spider_opened(self, spider: Any) -> None:
        stats = self.crawler.stats
        for outlet in spider_outlets(spider):
            try:
                holder = await acquire_async(
                    self.collection, outlet, self.owner, self.ttl, run_id(self.crawler)
                )
            except PyMongoError as exc:
                stats.inc_value("lease/store_unavailable")
                logger.warning("No lease for %s (store unreachable: %s); crawling unlocked", outlet, exc)
                continue
            if holder is not None:
                message = f"{outlet} is already being crawled: lease {describe(holder)}"
                stats.set_value("lease/refused_by", redact_uri(str(holder.get("owner"))))
                logger.error("Refused: %s; this run stops now", message)
                await self._release()
                raise CloseSpider(LEASE_REFUSED)
            self.held.append(outlet)
            stats.inc_value("lease/acquired")
        if self.held:
            self._renewer = asyncio.create_task(self._renew())

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                lost = await renew_async(self.collection, self.held, self.owner, self.ttl)
            except PyMongoError as exc:  # the store is down: try again at the next interval
                self.crawler.stats.inc_value("lease/renew_failed")
                logger.warning("Could not renew the lease of %s: %s", ", ".join(self.held), exc)
                continue
            self.crawler.stats.inc_value("lease/renewed")
            if lost:
                logger.error("Lease of %s lost to another crawl; stopping", ", ".join(lost))
                self.held = [o for o in self.held if o not in lost]
                # closed from a task of its own: closing cancels this renewer
                self._closing = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason=LEASE_LOST)
                )
                return

    async def spider_closed(self, spider: Any, reason: str) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
        await self._release()

    async def _release(self) -> None:
        if not self.held:
            return
        try:
            await release_async(self.collection, self.held, self.owner)
            self.crawler.stats.inc_value("lease/released", len(self.held))
        except PyMongoError as exc:
            logger.warning("Could not release the lease of %s (it expires by itself): %s", self.held, exc)
        self.held = []
