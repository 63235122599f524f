"""The window stage: articles published outside the crawl's `-a since/until` window are dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from crawler.items import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class OutsideWindow(DropItem):
    pass


class WindowPipeline:
    """Asks the spider's `in_window`; a crawl without a window keeps everything."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        in_window = getattr(self.crawler.spider, "in_window", None)
        if not isinstance(item, Article) or item.published_at is None or in_window is None:
            return item
        if not in_window(item.published_at):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"outlet/{item.outlet}/outside_window")
            raise OutsideWindow(f"published {item.published_at.isoformat()}, outside the window", "DEBUG")
        return item
