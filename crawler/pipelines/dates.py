"""The dates stage: choose published and modified times from the article's date candidates.

It reads only `extraction.date_candidates`, so dates can be chosen again from stored candidates after
a change to the date rules, without extracting the page again (`vnnews reextract --dates-only`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from crawler.dates import select_dates
from crawler.items import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pipelines import Stats


# The warning an article stored without a publication date carries (published_at null, never the crawl time).
NO_DATE_WARNING = "no publication date: the page shows none that can be read"


def choose_dates(article: Article) -> Article:
    """Set published_at, modified_at and `published` (displayed text, source, precision, doubts); an
    article with no date says so in its warnings, so a reader of the store sees why it is null."""
    selection = select_dates(article.extraction.date_candidates, fetched_at=article.fetched_at)
    article.published_at = selection.published_at
    article.modified_at = selection.modified_at
    article.published = selection.published
    warnings = article.extraction.warnings
    if selection.published_at is None and NO_DATE_WARNING not in warnings:
        warnings.append(NO_DATE_WARNING)
    elif selection.published_at is not None and NO_DATE_WARNING in warnings:  # dates chosen again
        warnings.remove(NO_DATE_WARNING)
    return article


class DatesPipeline:
    offline = True

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            choose_dates(item)
            if item.published_at is None:
                self.stats.inc_value(f"outlet/{item.outlet}/no_date")
        return item
