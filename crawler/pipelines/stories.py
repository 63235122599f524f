"""Scrapy item pipeline: gives each stored `Article` its story (settings prefixed STORIES_).

It runs before the article store (crawler/settings.py: 700 vs 800), so the item carries `story_id`
into the store's upsert, which keeps an existing one. Assignments in one process run one at a time:
two concurrent ones could found two stories and merge them while the articles are still in the
store's write buffer, where the merge cannot reach them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError
from scrapy.exceptions import NotConfigured

from crawler.items import Article
from crawler.store.connection import get_database
from crawler.stories.core import StoryConfig
from crawler.stories.store import assign_story_async, ensure_story_indexes_async

if TYPE_CHECKING:
    from pymongo.asynchronous.database import AsyncDatabase
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def config_from_settings(settings: BaseSettings) -> StoryConfig:
    return StoryConfig(
        threshold=settings.getfloat("STORIES_THRESHOLD"),
        window_days=settings.getint("STORIES_WINDOW_DAYS"),
        max_candidates=settings.getint("STORIES_MAX_CANDIDATES"),
        bands_collection=settings.get("STORIES_BANDS_COLLECTION"),
        stories_collection=settings.get("STORIES_COLLECTION"),
        articles_collection=settings.get("MONGODB_ARTICLES_COLLECTION"),
    )


class StoryPipeline:
    """Assigns `story_id`; a store outage is logged and counted, never fatal to the crawl."""

    def __init__(self, crawler: Crawler, db: AsyncDatabase, config: StoryConfig) -> None:
        self.crawler = crawler
        self.db = db
        self.config = config
        self._indexes_ready = False
        self._one_at_a_time = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        if not crawler.settings.getbool("STORIES_ENABLED"):
            raise NotConfigured("STORIES_ENABLED is off")
        return cls(crawler, get_database(crawler), config_from_settings(crawler.settings))

    def _inc(self, key: str) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(f"stories/{key}")

    def _add_seconds(self, seconds: float) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value("stories/seconds", seconds, start=0.0)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            async with self._one_at_a_time:
                started = time.perf_counter()
                if not self._indexes_ready:
                    await ensure_story_indexes_async(self.db, self.config)
                    self._indexes_ready = True
                assignment = await assign_story_async(self.db, item.to_document(), self.config)
                self._add_seconds(time.perf_counter() - started)
        except PyMongoError as exc:
            logger.warning("story assignment skipped for %s: %s", item.url, exc)
            self._inc("errors")
            return item
        item.story_id = assignment.story_id
        self._inc(assignment.kind)
        return item
