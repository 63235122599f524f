"""The stages after the spider, as Scrapy item pipelines; ITEM_PIPELINES in crawler/settings.py is their
one list and order.

A crawl runs all of them. `PageFlow` runs, from that same list, the stages that need no crawl
(extract → dates → normalise) on one page at a time: `vnnews extract`, `vnnews reextract`, the
evaluation and archive ingests go through it, so a page becomes the same article whichever way it came.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from scrapy.settings import BaseSettings, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from crawler.extraction import ExtractionResult
from crawler.items import Article, FetchedPage
from crawler.pipelines.extract import PageDropped


class Stats(Protocol):
    """The part of Scrapy's stats collector the stages use."""

    # Any: Scrapy types counts as int, yet sums seconds (floats) just as well.
    def inc_value(self, key: str, count: Any = 1, start: Any = 0) -> None: ...


class CountingStats:
    """Stats for runs outside a crawl: a Counter with the collector's `inc_value`."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: Any = 1, start: Any = 0) -> None:
        self.values[key] += count


def project_settings() -> Settings:
    """crawler/settings.py as Scrapy loads it, without a project on the path."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


class PageFlow:
    """The offline stages of ITEM_PIPELINES (classes marked `offline = True`), in their order.

    An offline stage is built as `cls(stats)` and does its work in a synchronous `process_offline`
    (or `process_item`, when that is synchronous).
    """

    def __init__(self, settings: BaseSettings | None = None, stats: Stats | None = None) -> None:
        settings = settings if settings is not None else project_settings()
        self.stats: Stats = stats if stats is not None else CountingStats()
        self.stages: list[Any] = []
        for path in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
            cls = load_object(path)
            if getattr(cls, "offline", False):
                self.stages.append(cls(self.stats))

    def run(self, page: FetchedPage) -> ExtractionResult:
        """The page through every offline stage: the article, or what the page is and why none."""
        item: Any = page
        try:
            for stage in self.stages:
                item = getattr(stage, "process_offline", stage.process_item)(item)
        except PageDropped as dropped:
            return dropped.result
        assert isinstance(item, Article)
        return ExtractionResult(item.page_type, item, None, item.outlet)


__all__ = ["CountingStats", "PageFlow", "Stats", "project_settings"]
