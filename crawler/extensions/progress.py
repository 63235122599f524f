"""Live counts of a crawl for `vnnews crawl`: fetched, found, stored, failed, across its outlets.

The command registers its progress display (crawler.commands.common.Progress, or anything with
`advance(**counts)`) with `register_display` and names it in the CRAWL_PROGRESS setting (settings are
copied, a display with an open terminal cannot be, so the setting holds the name); every
CRAWL_PROGRESS_INTERVAL seconds this extension hands it what changed in the crawl's `outlet/<id>/…`
stats. Off (NotConfigured) when no display is set, as in `scrapy crawl`, whose LogStats lines serve.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# What the display counts, from which `outlet/<id>/<key>` stats; the first is the rate shown.
SHOWN = {
    "fetched": ("fetched",),
    "found": ("found",),
    "stored": ("new", "updated"),
    "failed": ("failed",),
}


# Displays of this process by name (CRAWL_PROGRESS holds the name).
DISPLAYS: dict[str, Any] = {}


def register_display(name: str, display: Any) -> None:
    DISPLAYS[name] = display


def unregister_display(name: str) -> None:
    DISPLAYS.pop(name, None)


def shown_counts(stats: dict[str, Any]) -> Counter[str]:
    counts: Counter[str] = Counter({name: 0 for name in SHOWN})
    for key, value in stats.items():
        parts = key.split("/", 2)
        if len(parts) == 3 and parts[0] == "outlet":
            for name, keys in SHOWN.items():
                if parts[2] in keys:
                    counts[name] += int(value)
    return counts


class ProgressExtension:
    def __init__(self, crawler: Crawler, display: Any, interval: float) -> None:
        self.crawler = crawler
        self.display = display
        self.interval = interval
        self.reported: Counter[str] = Counter()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        name = crawler.settings.get("CRAWL_PROGRESS")
        if not name:
            raise NotConfigured  # no message: `scrapy crawl` would log a warning for it
        if name not in DISPLAYS:
            raise ValueError(f"CRAWL_PROGRESS names no registered display: {name!r}")
        display = DISPLAYS[name]
        ext = cls(crawler, display, crawler.settings.getfloat("CRAWL_PROGRESS_INTERVAL"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self._task = asyncio.ensure_future(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.report()

    def report(self) -> None:
        """Hand the display what changed since the last report (it adds up across crawls)."""
        now = shown_counts(self.crawler.stats.get_stats())
        delta = {k: now[k] - self.reported[k] for k in SHOWN}
        self.reported = now
        self.display.advance(**delta)

    async def spider_closed(self, spider: Any) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.report()
