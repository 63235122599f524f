"""Extraction: a fetched page in, the article's fields and date candidates out.

`extract_page(page)` (or `extract_article(html, url, fetched_at=…)`) returns an `ExtractionResult`.
It chooses no date, normalises nothing and touches no store; crawler/pipelines runs what follows.
"""

from __future__ import annotations

from crawler.extraction.chain import CHAINS, rule_miss_fields
from crawler.extraction.core import NEWS_TYPES, OTHER_TYPES, ExtractionResult, extract_article, extract_page

__all__ = [
    "CHAINS",
    "NEWS_TYPES",
    "OTHER_TYPES",
    "ExtractionResult",
    "extract_article",
    "extract_page",
    "rule_miss_fields",
]
