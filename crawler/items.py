"""The items that flow through the stages: a fetched page in, an article out (schema v1, docs/schema.md).

This module is the vocabulary every stage shares and imports nothing of the project's own.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

SCHEMA_VERSION = 1

# Vietnam has used UTC+7 without daylight saving for every date this crawler can meet; a naive time
# anywhere in vnnews is Vietnamese local time.
VN_TZ = timezone(timedelta(hours=7))

PAGE_TYPES = ("article", "photo", "video", "podcast")

# Fields an Article carries between the stages and never into the store: the raw page (stored apart,
# compressed) and the story fingerprint of its body (crawler/pipelines/extract.py).
TRANSIENT_FIELDS = ("raw", "story_fingerprint")
# Fields whose change makes a new revision of a stored article. Everything else is bookkeeping.
CONTENT_FIELDS = (
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
    "content_hash",
    "body_hash",
    "extraction",
    "schema_version",
)


@dataclass
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None


@dataclass
class DateInfo:
    """How the dates were chosen: the text as the page shows it, which source won, and any doubts."""

    displayed: str | None = None
    source: str | None = None  # "jsonld", "meta", "time", "header", "url"
    precision: str | None = None  # "minute", "second", "day"
    warnings: list[str] = field(default_factory=list)


@dataclass
class DateCandidate:
    """One date string found on the page and where it was found; the dates stage chooses among them."""

    source: str  # "jsonld", "meta", "time", "header", "url"
    text: str
    kind: str = "published"  # or "modified"


@dataclass
class Extraction:
    """How the fields were found: the method, what went wrong, and every date the page offered."""

    method: str = "generic"  # e.g. "jsonld+trafilatura", "rules:vnexpress"
    warnings: list[str] = field(default_factory=list)
    date_candidates: list[DateCandidate] = field(default_factory=list)


@dataclass
class FetchedPage:
    """What a spider (or an archive reader) hands on: the response as it came, nothing read from it yet."""

    url: str
    body: bytes = field(repr=False)  # logs name the page, never print it
    fetched_at: datetime
    status: int = 200
    content_type: str | None = None
    encoding: str | None = None  # the charset the response declared, if any
    outlet: str | None = None  # the outlet the spider crawled; None: found from the URL


def compress_page(body: bytes) -> bytes:
    """A raw page as the store keeps it (`pages.html`, compression "zlib")."""
    return zlib.compress(body, 6)


@dataclass
class RawPage:
    """The page as fetched, kept compressed in the store so it can be re-extracted later."""

    body: bytes
    encoding: str | None = None
    status: int = 200
    content_type: str | None = None
    packed: bytes | None = field(default=None, repr=False)  # `body` compressed, once `pack` ran

    def pack(self) -> bytes:
        """The body compressed (`compress_page`), once. A crawl's extraction worker packs the page, so
        the reactor thread, the crawl's busiest, compresses nothing (~0.7 ms a page)."""
        if self.packed is None:
            self.packed = compress_page(self.body)
        return self.packed


@dataclass
class Article:
    """One news item. Datetimes are timezone-aware; the store keeps them in UTC."""

    url: str  # canonical URL: the unique key
    fetched_url: str
    outlet: str
    domain: str
    title: str
    body: str
    fetched_at: datetime
    page_type: str = "article"
    lead: str | None = None
    dateline: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    language: str = "vi"
    word_count: int = 0
    published_at: datetime | None = None
    published: DateInfo = field(default_factory=DateInfo)
    modified_at: datetime | None = None
    content_hash: str = ""
    body_hash: str = ""
    story_id: str | None = None
    extraction: Extraction = field(default_factory=Extraction)
    schema_version: int = SCHEMA_VERSION
    raw: RawPage | None = field(default=None, repr=False)
    # the body's story fingerprint, computed beside the extraction in its worker (never stored)
    story_fingerprint: Any = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:  # Scrapy logs dropped items: the URL and title say which one
        return f"Article(url={self.url!r}, title={self.title!r})"

    def to_document(self) -> dict[str, Any]:
        """The MongoDB document without store bookkeeping (first/last seen, revision)."""
        with transient_fields_aside(self):  # not copied by asdict: the raw page is the largest part
            doc = asdict(self)
        for name in TRANSIENT_FIELDS:
            doc.pop(name)
        doc["_id"] = self.url
        return doc


@contextmanager
def transient_fields_aside(article: Article) -> Iterator[None]:
    """The article with its TRANSIENT_FIELDS set to None for the block, then given back."""
    carried = {name: getattr(article, name) for name in TRANSIENT_FIELDS}
    for name in TRANSIENT_FIELDS:
        setattr(article, name, None)
    try:
        yield
    finally:
        for name, value in carried.items():
            setattr(article, name, value)


def article_from_document(doc: dict[str, Any]) -> Article:
    """Rebuild an item from a stored document (for re-extraction and exports)."""
    known = {name for name in Article.__dataclass_fields__ if name not in TRANSIENT_FIELDS}
    values = {k: v for k, v in doc.items() if k in known}
    values["images"] = [Image(**i) for i in values.get("images", [])]
    values["published"] = DateInfo(**values.get("published", {}))
    extraction = dict(values.get("extraction", {}))
    extraction["date_candidates"] = [DateCandidate(**c) for c in extraction.get("date_candidates", [])]
    values["extraction"] = Extraction(**extraction)
    return Article(**values)
