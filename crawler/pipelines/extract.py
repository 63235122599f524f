"""The extraction stage: a `FetchedPage` in, an `Article` with fields and date candidates out.

Pages that are not news (an aggregator's redirect, a listing, a challenge) are dropped with `NotNews`,
which the incremental skip remembers (crawler/middlewares/incremental.py); pages that should have been
an article and gave none are dropped with `PageFailed`. Both are counted per outlet.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from crawler.extraction import NEWS_TYPES, ExtractionResult, extract_page, rule_miss_fields
from crawler.items import Article, FetchedPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pipelines import Stats


def count_rule_misses(stats: Stats, article: Article) -> None:
    """`extraction/<outlet>/rule_miss/<field>` per `rule miss:` warning: a redesign shows in the stats."""
    for field in rule_miss_fields(article.extraction.warnings):
        stats.inc_value(f"extraction/{article.outlet}/rule_miss/{field}")


class PageDropped(DropItem):
    """A fetched page that gave no article; `result` says what it was and why."""

    def __init__(self, page: FetchedPage, result: ExtractionResult, log_level: str) -> None:
        super().__init__(f"No article from {page.url}: {result.error}", log_level=log_level)
        self.page = page
        self.result = result


class NotNews(PageDropped):
    """A page that is not a news item (redirect, listing, challenge): remembered, not fetched again."""


class PageFailed(PageDropped):
    """A page that should have been an article (or was broken) and gave none."""


class ExtractPipeline:
    """Runs extraction on every `FetchedPage`; other items pass through."""

    offline = True  # runs without a crawl: `vnnews extract`, `reextract` and archive ingests use it

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        started = time.perf_counter()
        result = extract_page(item)
        self.stats.inc_value("extraction/seconds", time.perf_counter() - started, start=0.0)
        self.stats.inc_value("extraction/calls")
        outlet = item.outlet or result.outlet
        if result.article is None or result.page_type not in NEWS_TYPES:
            if result.page_type in NEWS_TYPES or result.page_type == "error":
                self.stats.inc_value(f"outlet/{outlet}/failed/extraction/{result.page_type}")
                self.stats.inc_value(f"outlet/{outlet}/failed")
                raise PageFailed(item, result, "WARNING")
            self.stats.inc_value(f"outlet/{outlet}/not_news/{result.page_type}")
            raise NotNews(item, result, "INFO")
        result.article.outlet = outlet
        count_rule_misses(self.stats, result.article)
        return result.article
