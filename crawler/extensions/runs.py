"""One `crawl_runs` document per crawl: what it did per outlet, how it ended, what went wrong.

Written when the spider opens (status `running`), refreshed with a heartbeat and the counts so far
every RUNS_HEARTBEAT_INTERVAL seconds, and completed when it closes. A run killed with -9 keeps
status `running` with a heartbeat that stops advancing; `vnnews status` reports it as unfinished
once the heartbeat is older than RUNS_STALE_AFTER. The document holds counts, reasons and redacted
error texts only, never a setting's value, so no credential can end up in it. docs/operations.md
describes the fields.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.extensions import run_id, spider_outlets
from crawler.items import Article
from crawler.store.connection import get_database, redact_uri

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The per-outlet counts of a run, from the `outlet/<id>/<key>` stats (spiders, middlewares, pipelines
# and the store writer count them). A key ending in "/" sums every stat under it.
OUTLET_COUNTS = {
    "found": ("found",),
    "fetched": ("fetched",),
    "known": ("skipped_known", "skipped_not_news"),
    "new": ("new",),
    "updated": ("updated",),
    "unchanged": ("unchanged",),
    "duplicate": ("duplicate",),
    "not_news": ("not_news/",),
    "failed": ("failed",),
    "outside_window": ("outside_window",),
    "no_date": ("no_date",),
    "spooled": ("spooled",),
    "invalid": ("invalid",),
    "discovery_ok": ("discovery_ok",),  # discovery requests answered (crawler/exitcodes.py counts them)
}
# Error texts kept in one run document: enough to see what broke, bounded for a crawl that fails often.
MAX_ERRORS = 20
# Finish reasons of a crawl that ended as asked (CLOSESPIDER_* limits other than the error count).
FINISHED_AS_ASKED = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout")
LEASE_REFUSED = "lease_refused"  # the finish reason when another crawl holds the outlet's lease


def _empty_row() -> dict[str, Any]:
    return {name: 0 for name in OUTLET_COUNTS} | {"discovery_failed": {}, "rule_miss": {}}


def outlet_counts(stats: Mapping[str, Any], outlets: list[str]) -> dict[str, dict[str, Any]]:
    """{outlet: counts, discovery failures by reason, rule misses by field} from a crawl's stats."""
    rows = {outlet: _empty_row() for outlet in outlets}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) >= 3 and parts[0] == "outlet":
            row = rows.setdefault(parts[1], _empty_row())
            rest = "/".join(parts[2:])
            if parts[2] == "discovery_failed":
                reason = "/".join(parts[3:]) or "unknown"
                row["discovery_failed"][reason] = row["discovery_failed"].get(reason, 0) + int(value)
            for name, keys in OUTLET_COUNTS.items():
                if any(rest == k or (k.endswith("/") and rest.startswith(k)) for k in keys):
                    row[name] += int(value)
        elif len(parts) >= 4 and parts[0] == "extraction" and parts[2] == "rule_miss":
            rows.setdefault(parts[1], _empty_row())["rule_miss"]["/".join(parts[3:])] = int(value)
    return rows


def run_status(reason: str | None, stats: Mapping[str, Any]) -> str:
    """finished, refused (another crawl held the lease) or failed."""
    if reason == LEASE_REFUSED:
        return "refused"
    if reason in FINISHED_AS_ASKED and not stats.get("spider_exceptions/count"):
        return "finished"
    return "failed"


def safe_text(text: Any) -> str:
    """An error text as a run document keeps it: any URI's password hidden, length bounded."""
    return redact_uri(str(text))[:500]


class RunRecordExtension:
    """Keeps the crawl's `crawl_runs` document (RUNS_ENABLED, RUNS_COLLECTION, RUNS_HEARTBEAT_INTERVAL)."""

    def __init__(self, crawler: Crawler, collection: str, heartbeat: float) -> None:
        self.crawler = crawler
        self.collection_name = collection
        self.heartbeat = heartbeat
        self.run_id = run_id(crawler)
        self.outlets: list[str] = []
        self.articles: Counter[str] = Counter()
        self.warned: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.discovery: dict[str, dict[str, Any]] = {}
        self.errors: list[str] = []
        self.started_at = datetime.now(UTC)
        self._beat: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecordExtension:
        settings = crawler.settings
        if not settings.getbool("RUNS_ENABLED"):
            raise NotConfigured("RUNS_ENABLED is off")
        ext = cls(crawler, settings.get("RUNS_COLLECTION"), settings.getfloat("RUNS_HEARTBEAT_INTERVAL"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    @property
    def collection(self) -> Any:
        return get_database(self.crawler)[self.collection_name]

    async def spider_opened(self, spider: Any) -> None:
        self.outlets = spider_outlets(spider)
        self.crawler.stats.set_value("run/id", self.run_id)
        doc = {
            "_id": self.run_id,
            "spider": spider.name,
            "outlets": self.outlets,
            "status": "running",
            "started_at": self.started_at,
            "heartbeat_at": self.started_at,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "arguments": self._arguments(spider),
        }
        await self._write(doc)
        self._beat = asyncio.create_task(self._heartbeat())

    def _arguments(self, spider: Any) -> dict[str, Any]:
        """The run's window and budget as the spider understood them (never a setting)."""
        names = ("since", "until", "max_pages", "refresh_hours", "channels")
        return {n: getattr(spider, n) for n in names if getattr(spider, n, None) not in (None, ())}

    def item_scraped(self, item: Any, spider: Any) -> None:
        if isinstance(item, Article):
            self.articles[item.outlet] += 1
            if item.extraction.warnings:
                self.warned[item.outlet] += 1
                self.warnings[item.outlet] += len(item.extraction.warnings)

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                safe_text(f"{response.url}: {failure.type.__name__}: {failure.getErrorMessage()}")
            )

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """An HTTP error on a discovery URL (feed, sitemap, listing): which source of which outlet."""
        kind = request.meta.get("vnnews_kind")
        if kind is None or kind == "article" or response.status < 400:
            return
        entry = self.discovery.setdefault(
            request.url,
            {"outlet": request.meta.get("vnnews_outlet"), "kind": kind, "url": request.url, "count": 0},
        )
        entry.update(status=response.status, count=entry["count"] + 1)

    def snapshot(self) -> dict[str, Any]:
        """The counts so far (also the final figures at close)."""
        stats = self.crawler.stats.get_stats()
        per_outlet = outlet_counts(stats, self.outlets)
        for outlet, row in per_outlet.items():
            row.update(
                articles=self.articles[outlet],
                articles_with_warnings=self.warned[outlet],
                extraction_warnings=self.warnings[outlet],
            )
        stories = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("stories/")}
        return {
            "heartbeat_at": datetime.now(UTC),
            "per_outlet": per_outlet,
            "discovery_failures": list(self.discovery.values()),
            "stories": {k: v for k, v in stories.items() if k != "seconds"},
            "errors": {
                "log_errors": int(stats.get("log_count/ERROR", 0)),
                "spider_exceptions": int(stats.get("spider_exceptions/count", 0)),
                "messages": list(self.errors),
            },
        }

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            await self._write(self.snapshot())

    async def spider_closed(self, spider: Any, reason: str) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        stats = self.crawler.stats.get_stats()
        final = self.snapshot() | {
            "status": run_status(reason, stats),
            "finish_reason": reason,
            "ended_at": datetime.now(UTC),
        }
        final["seconds"] = (final["ended_at"] - self.started_at).total_seconds()
        if reason == LEASE_REFUSED:
            final["refused_by"] = safe_text(stats.get("lease/refused_by", ""))
        await self._write(final)
        logger.info("Run %s of %s: %s (%s)", self.run_id, spider.name, final["status"], reason)

    async def _write(self, fields: dict[str, Any]) -> None:
        """An upsert of the run's document; a store outage is logged, never fatal to the crawl."""
        fields = {k: v for k, v in fields.items() if k != "_id"}
        try:
            await self.collection.update_one({"_id": self.run_id}, {"$set": fields}, upsert=True)
        except PyMongoError as exc:
            self.crawler.stats.inc_value("run/record_failed")
            logger.warning("Could not write run record %s: %s", self.run_id, safe_text(exc))
