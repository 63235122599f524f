"""Scrapy extensions that serve scheduled crawls: run records (runs.py), the per-outlet lease
(lease.py) and live progress for `vnnews crawl` (progress.py). Each is listed in EXTENSIONS
(crawler/settings.py) and switched off by its own setting."""

from __future__ import annotations

import uuid
from typing import Any


def run_id(crawler: Any) -> str:
    """The id of this crawl's run record, shared by the extensions that refer to the run."""
    existing = getattr(crawler, "_vnnews_run_id", None)
    if existing is None:
        existing = uuid.uuid4().hex
        crawler._vnnews_run_id = existing
    return existing


def spider_outlets(spider: Any) -> list[str]:
    """The outlets a spider crawls: its source profile's id (every vnnews spider has one)."""
    source = getattr(spider, "source", None)
    return [source.id] if source is not None else [spider.name]
