"""Article extraction: one entry point for every spider.

`extract_article(html, url, fetched_at=…)` returns an `ExtractionResult`; `outlet_for_url` and
`OUTLETS` tell the spiders which outlets have rules and which domains they serve.
"""

from __future__ import annotations

from crawler.extraction.core import NEWS_TYPES, OTHER_TYPES, ExtractionResult, extract_article
from crawler.extraction.outlets import OUTLETS, outlet_for_url

__all__ = ["NEWS_TYPES", "OTHER_TYPES", "OUTLETS", "ExtractionResult", "extract_article", "outlet_for_url"]
