"""Item pipelines of the crawler itself; the store's writer lives in exporters/."""

from __future__ import annotations

from typing import Any

from crawler.items import Article
from crawler.normalize import normalize_article


class NormalizePipeline:
    """NFC text, canonical URL, word count and hashes, whatever produced the item."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            normalize_article(item)
        return item
