"""Articles as files for downstream consumers: JSON lines, CSV and Parquet (docs/exports.md).

One row per article with the field names and meaning of docs/schema.md; datetimes are ISO-8601 in
UTC in text formats and UTC timestamps in Parquet. Rows are written as the store's cursor yields them,
in batches, so memory stays flat however many articles are exported. The same row shape serves the
Scrapy feed exports (exporters/feeds.py), so a feed file and an export file read alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

import pyarrow as pa  # type: ignore[import-untyped]  # ships no type information
import pyarrow.parquet as pq  # type: ignore[import-untyped]

# The exported fields, in schema order (docs/schema.md). `_id` is left out: it equals `url`.
EXPORT_FIELDS = (
    "url",
    "fetched_url",
    "outlet",
    "domain",
    "page_type",
    "title",
    "lead",
    "dateline",
    "body",
    "authors",
    "credit",
    "category",
    "tags",
    "images",
    "language",
    "word_count",
    "published_at",
    "published",
    "modified_at",
    "fetched_at",
    "first_seen_at",
    "last_seen_at",
    "content_hash",
    "body_hash",
    "previous_content_hashes",
    "revision",
    "duplicate_of",
    "story_id",
    "extraction",
    "schema_version",
)

# Nested objects keep only their documented keys (docs/schema.md): the stored date candidates are
# the crawler's working notes, not part of the contract.
NESTED_KEYS = {
    "published": ("displayed", "source", "precision"),
    "extraction": ("method", "warnings"),
    "images": ("url", "caption", "credit"),
}
STRING_LISTS = ("authors", "tags", "previous_content_hashes")

# CSV cells cannot hold a list: string lists are joined with this separator (no author, tag or hash
# contains it), objects are JSON-encoded. docs/exports.md says so for consumers.
CSV_LIST_SEPARATOR = " | "

# Articles a Parquet row group holds: big enough for good compression and fast scans, small enough
# that one group in memory stays a few tens of MB with full bodies.
PARQUET_ROW_GROUP = 2_000
# Documents a cursor batch brings from the store in one round trip.
CURSOR_BATCH = 500

_STR = pa.string()
_STR_LIST = pa.list_(pa.string())
_TIME = pa.timestamp("ms", tz="UTC")  # BSON dates carry milliseconds

PARQUET_SCHEMA = pa.schema(
    [
        ("url", _STR),
        ("fetched_url", _STR),
        ("outlet", _STR),
        ("domain", _STR),
        ("page_type", _STR),
        ("title", _STR),
        ("lead", _STR),
        ("dateline", _STR),
        ("body", _STR),
        ("authors", _STR_LIST),
        ("credit", _STR),
        ("category", _STR),
        ("tags", _STR_LIST),
        ("images", pa.list_(pa.struct([("url", _STR), ("caption", _STR), ("credit", _STR)]))),
        ("language", _STR),
        ("word_count", pa.int32()),
        ("published_at", _TIME),
        ("published", pa.struct([("displayed", _STR), ("source", _STR), ("precision", _STR)])),
        ("modified_at", _TIME),
        ("fetched_at", _TIME),
        ("first_seen_at", _TIME),
        ("last_seen_at", _TIME),
        ("content_hash", _STR),
        ("body_hash", _STR),
        ("previous_content_hashes", _STR_LIST),
        ("revision", pa.int32()),
        ("duplicate_of", _STR),
        ("story_id", _STR),
        ("extraction", pa.struct([("method", _STR), ("warnings", _STR_LIST)])),
        ("schema_version", pa.int16()),
    ]
)
assert tuple(PARQUET_SCHEMA.names) == EXPORT_FIELDS

FORMATS = ("jsonl", "csv", "parquet")


def article_row(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A stored document (or `Article.to_document()`) as an export row: schema fields only, no raw page.

    Datetimes stay datetimes (in UTC) here; `json_row` turns them into ISO-8601 text.
    """
    row: dict[str, Any] = {}
    for name in EXPORT_FIELDS:
        value = doc.get(name)
        if name in NESTED_KEYS and value is not None:
            keys = NESTED_KEYS[name]
            if isinstance(value, list):
                value = [{k: item.get(k) for k in keys} for item in value]
            else:
                value = {k: value.get(k) for k in keys}
        elif name in STRING_LISTS and value is None:
            value = []
        elif isinstance(value, datetime):
            value = _utc(value)
        row[name] = value
    return row


def _utc(value: datetime) -> datetime:
    """Aware datetimes converted to UTC; a naive one is UTC already (pymongo without tz_aware)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime) -> str:
    """ISO-8601 in UTC with a `Z`, e.g. `2026-07-16T03:05:00Z` (what every JSON reader parses)."""
    text = _utc(value).isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with datetimes as ISO-8601 text, ready for json.dumps."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in row.items()}


def csv_row(row: Mapping[str, Any]) -> dict[str, str]:
    """The row as CSV cells: string lists joined by CSV_LIST_SEPARATOR, objects as JSON, null as empty."""
    cells: dict[str, str] = {}
    for name, value in json_row(row).items():
        if value is None:
            cells[name] = ""
        elif name in STRING_LISTS:
            cells[name] = CSV_LIST_SEPARATOR.join(value)
        elif isinstance(value, dict | list):
            cells[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            cells[name] = str(value)
    return cells


class JsonLinesWriter:
    """One JSON object per line, UTF-8, Vietnamese as it is (not \\u-escaped)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.out.write("".join(json.dumps(json_row(r), ensure_ascii=False) + "\n" for r in rows))

    def close(self) -> None:
        self.out.flush()
        self.out.detach()


class CsvWriter:
    """A header of EXPORT_FIELDS, then one row per article (RFC 4180 quoting: bodies keep newlines)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self.writer = csv.DictWriter(self.out, fieldnames=EXPORT_FIELDS)
        self.writer.writeheader()

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.writer.writerows(csv_row(r) for r in rows)

    def close(self) -> None:
        self.out.flush()
        self.out.detach()


class ParquetFileWriter:
    """Row groups of PARQUET_ROW_GROUP articles under the declared PARQUET_SCHEMA (zstd)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.writer = pq.ParquetWriter(out, PARQUET_SCHEMA, compression="zstd")
        self.pending: list[dict[str, Any]] = []

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.pending.extend(rows)
        while len(self.pending) >= PARQUET_ROW_GROUP:
            self._flush(self.pending[:PARQUET_ROW_GROUP])
            del self.pending[:PARQUET_ROW_GROUP]

    def _flush(self, rows: list[dict[str, Any]]) -> None:
        self.writer.write_table(pa.Table.from_pylist(rows, schema=PARQUET_SCHEMA))

    def close(self) -> None:
        if self.pending:
            self._flush(self.pending)
            self.pending = []
        self.writer.close()


WRITERS: dict[str, type[JsonLinesWriter] | type[CsvWriter] | type[ParquetFileWriter]] = {
    "jsonl": JsonLinesWriter,
    "csv": CsvWriter,
    "parquet": ParquetFileWriter,
}


def article_query(
    since: datetime | None = None,
    until: datetime | None = None,
    outlets: Iterable[str] = (),
    story: str | None = None,
) -> dict[str, Any]:
    """The store filter for an export: publication window [since, until] (both included), outlets, story."""
    query: dict[str, Any] = {}
    window = {}
    if since is not None:
        window["$gte"] = since
    if until is not None:
        window["$lte"] = until
    if window:
        query["published_at"] = window
    outlets = list(outlets)
    if outlets:
        query["outlet"] = outlets[0] if len(outlets) == 1 else {"$in": outlets}
    if story:
        query["story_id"] = story
    return query


def batched(docs: Iterable[Mapping[str, Any]], size: int = CURSOR_BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for doc in docs:
        batch.append(article_row(doc))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_articles(docs: Iterable[Mapping[str, Any]], fmt: str, out: IO[bytes], progress: Any = None) -> int:
    """Write `docs` (a cursor) to `out` in `fmt`, batch by batch; the number of articles written.

    `progress`, when given, has `advance(articles=n)` (crawler.commands.common.Progress).
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    writer = WRITERS[fmt](out)
    count = 0
    try:
        for batch in batched(docs):
            writer.write(batch)
            count += len(batch)
            if progress is not None:
                progress.advance(articles=len(batch))
    finally:
        writer.close()
    return count
