"""Readers of web archives and saved pages: `.warc`, `.warc.gz` and plain `.html` files, and folders of them.

Each reader yields, per record, either a `crawler.items.FetchedPage` (an HTML page to send through the
same stages as a crawled page) or a `Skipped` that says why the record is not one (revisit, not HTML,
broken HTTP headers, truncated, …). Nothing here touches the store: the archive spider (spiders/archive.py)
counts, filters and hands the pages on (docs/ingest.md).
"""

from __future__ import annotations

from crawler.archives.files import UrlFrom, archive_files, read_paths
from crawler.archives.language import is_vietnamese
from crawler.archives.records import Record, Skipped, outlet_id
from crawler.archives.warc import read_warc

__all__ = [
    "Record",
    "Skipped",
    "UrlFrom",
    "archive_files",
    "is_vietnamese",
    "outlet_id",
    "read_paths",
    "read_warc",
]
