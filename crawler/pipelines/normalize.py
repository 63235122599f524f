"""The normalise stage: NFC text, canonical URL, word count and hashes (crawler/normalize.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from crawler.items import Article
from crawler.normalize import normalize_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pipelines import Stats


class NormalizePipeline:
    offline = True

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            normalize_article(item)
        return item
