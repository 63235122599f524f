"""A shared frontier: many crawler processes (or machines) on one Redis queue and one store.

With FRONTIER_URL set (e.g. `redis://127.0.0.1:6379/0`, or VNNEWS_FRONTIER_URL), `FrontierAddon`
(in ADDONS) switches the crawl's SCHEDULER to `FrontierScheduler` and adds the middleware that
reports final download failures; without it the add-on is off and a crawl schedules with Scrapy's
scheduler. docs/scale-out.md has the topology and why this is our own scheduler on redis-py, not
scrapy-redis. `memory.py` is the local frontier's memory queue (SCHEDULER_MEMORY_QUEUE), which
Scrapy's scheduler uses in every crawl without a shared frontier.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

SCHEDULER = "crawler.frontier.scheduler.FrontierScheduler"
FAILURE_MIDDLEWARE = "crawler.frontier.middleware.FrontierFailureMiddleware"
# First of all downloader middlewares (Scrapy's own start at 50): sees only final failures.
FAILURE_MIDDLEWARE_ORDER = 10


class FrontierAddon:
    """Scrapy add-on: the frontier components, only when FRONTIER_URL is set."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("FRONTIER_URL"):
            raise NotConfigured
        return cls()

    def update_settings(self, settings: Settings) -> None:
        settings.set("SCHEDULER", SCHEDULER, priority="addon")
        settings["DOWNLOADER_MIDDLEWARES"][FAILURE_MIDDLEWARE] = FAILURE_MIDDLEWARE_ORDER
        # The per-outlet crawl lease (LEASE_ENABLED) refuses a second crawl of an outlet; on a shared
        # frontier several workers crawl one outlet on purpose and the frontier prevents double
        # fetches instead. Left alone when it was set explicitly above the project settings.
        if (settings.getpriority("LEASE_ENABLED") or 0) <= SETTINGS_PRIORITIES["project"]:
            settings.set("LEASE_ENABLED", False, priority="project")
            logger.info("Shared frontier: the per-outlet crawl lease is off (workers share outlets)")
