"""The Scrapy item pipeline that stores articles in MongoDB (settings prefixed MONGODB_ and RAW_HTML_)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.items import Article
from crawler.store.connection import MongoConnection, redact_uri
from crawler.store.embedded import vnnews_home
from exporters.mongo.writer import ArticleWriter, ensure_articles_collection

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class MongoPipeline:
    """Buffers articles and flushes them by size (MONGODB_BUFFER_SIZE) and time (MONGODB_FLUSH_INTERVAL)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.flush_interval = settings.getfloat("MONGODB_FLUSH_INTERVAL")
        self.connection = MongoConnection.from_crawler(crawler)
        spool_dir = Path(settings.get("MONGODB_SPOOL_DIR") or vnnews_home() / "spool")
        db, articles = self.connection.database, settings.get("MONGODB_ARTICLES_COLLECTION")
        pages = settings.get("MONGODB_PAGES_COLLECTION")
        self.writer = ArticleWriter(
            db,
            spool_dir,
            articles=articles,
            pages=pages,
            buffer_size=settings.getint("MONGODB_BUFFER_SIZE"),
            retry_after=settings.getfloat("MONGODB_RETRY_AFTER"),
            breaker=self.connection.breaker,
            keep_raw_html=settings.getbool("RAW_HTML_ENABLED"),
            raw_retention_days=settings.getint("RAW_HTML_RETENTION_DAYS"),
            stats_inc=lambda key, count: crawler.stats.inc_value(key, count),
            prepare=lambda: self.connection.prepare_once(
                f"articles:{articles}:{pages}", lambda: ensure_articles_collection(db, articles, pages)
            ),
        )
        self._ticker: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        logger.info("Storing articles in %s", redact_uri(self.connection.uri))
        await self.writer.flush()  # creates indexes and writes what an earlier run spooled
        self._ticker = asyncio.create_task(self._flush_periodically())

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Article) and self.writer.add(item):
            await self.writer.flush()
        return item

    async def close_spider(self) -> None:
        self._closing.set()
        if self._ticker is not None:
            await self._ticker  # not cancelled: a timed flush in progress finishes its batch
        await self.writer.flush()
        pending = self.writer.spool.pending_count()
        if pending:
            logger.warning(
                "%d articles wait in the spool %s; they are written at the next run",
                pending,
                self.writer.spool.directory,
            )
        self.crawler.stats.set_value("mongo/pending_in_spool", pending)

    async def _flush_periodically(self) -> None:
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.flush_interval)
            if not self._closing.is_set():
                await self.writer.flush()
