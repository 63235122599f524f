"""Scrapy feed exporters (`scrapy crawl vnexpress -O out.jsonl|.csv|.xml`) that write articles as documents.

The crawl's item is an `Article` that still carries its raw page (bytes) for the store's pipeline;
these exporters write the article's export row instead (exporters/files.py: the field names and
meaning of docs/schema.md, datetimes ISO-8601 in UTC), so the raw HTML never reaches a feed file.
Registered for every format in FEED_EXPORTERS (crawler/settings.py).
"""

from __future__ import annotations

from dataclasses import is_dataclass
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

from crawler.items import Article
from exporters.files import EXPORT_FIELDS, article_row, csv_row, json_row


def feed_row(item: Any) -> dict[str, Any]:
    """The exported form of a crawl item: an Article's export row, any other item without its bytes."""
    if isinstance(item, Article):
        return json_row(article_row(item.to_document()))
    values = ItemAdapter(item).asdict() if (is_dataclass(item) or ItemAdapter.is_item(item)) else {}
    return json_row({k: v for k, v in values.items() if not isinstance(v, bytes | bytearray | memoryview)})


class JsonLinesFeedExporter(JsonLinesItemExporter):
    """`-O out.jsonl` / `.jl`: one article document per line."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)

    def export_item(self, item: Any) -> None:
        super().export_item(feed_row(item))


class JsonFeedExporter(JsonItemExporter):
    """`-O out.json`: one JSON array of article documents."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)

    def export_item(self, item: Any) -> None:
        super().export_item(feed_row(item))


class CsvFeedExporter(CsvItemExporter):
    """`-O out.csv`: the columns of EXPORT_FIELDS; lists joined, objects JSON (exporters/files.csv_row)."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fields_to_export", list(EXPORT_FIELDS))
        super().__init__(file, **kwargs)

    def export_item(self, item: Any) -> None:
        row = feed_row(item)
        if isinstance(item, Article):
            row = csv_row(row)
        super().export_item(row)


class XmlFeedExporter(XmlItemExporter):
    """`-O out.xml`: one <item> per article; lists as <value> children, null fields left empty."""

    def export_item(self, item: Any) -> None:
        super().export_item(_no_nulls(feed_row(item)))


def _no_nulls(value: Any) -> Any:
    """XML has no null: an absent value becomes an empty element, not the text 'None'."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return "" if value is None else value
