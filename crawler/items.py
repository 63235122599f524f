"""The article item: what extraction produces and the store keeps (schema v1, see docs/schema.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

SCHEMA_VERSION = 1

PAGE_TYPES = ("article", "photo", "video", "podcast")

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
    """How a date was found: the text as the page shows it and which source won."""

    displayed: str | None = None
    source: str | None = None  # "jsonld", "meta", "time", "header", "url"
    precision: str | None = None  # "minute", "second", "day"


@dataclass
class Extraction:
    method: str = "generic"  # e.g. "jsonld+trafilatura", "rules:vnexpress"
    warnings: list[str] = field(default_factory=list)


@dataclass
class RawPage:
    """The page as fetched, kept compressed in the store so it can be re-extracted later."""

    body: bytes
    encoding: str | None = None
    status: int = 200
    content_type: str | None = None


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

    def to_document(self) -> dict[str, Any]:
        """The MongoDB document without store bookkeeping (first/last seen, revision)."""
        doc = asdict(self)
        doc.pop("raw")
        doc["_id"] = self.url
        return doc


def article_from_document(doc: dict[str, Any]) -> Article:
    """Rebuild an item from a stored document (for re-extraction and exports)."""
    known = {name for name in Article.__dataclass_fields__ if name != "raw"}
    values = {k: v for k, v in doc.items() if k in known}
    values["images"] = [Image(**i) for i in values.get("images", [])]
    values["published"] = DateInfo(**values.get("published", {}))
    values["extraction"] = Extraction(**values.get("extraction", {}))
    return Article(**values)
