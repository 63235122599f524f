"""The article store's contract with MongoDB: validator, indexes, and the idempotent upsert.

Everything here is data or pure functions, so the async crawl pipeline and the blocking command-line
tools build exactly the same operations; `ensure_articles_collection` (async) and
`ensure_articles_collection_sync` are the one place that creates the collections and their indexes.
docs/schema.md documents the resulting documents and the query each index serves.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bson import Binary
from pymongo import ASCENDING, DESCENDING, IndexModel, InsertOne, UpdateOne
from pymongo.errors import CollectionInvalid, OperationFailure

if TYPE_CHECKING:
    from pymongo.asynchronous.database import AsyncDatabase
    from pymongo.synchronous.database import Database

from crawler.items import CONTENT_FIELDS, PAGE_TYPES, SCHEMA_VERSION, compress_page

# The server refused a write for an `_id` (or unique key) already stored: another writer was first.
DUPLICATE_KEY = 11000

ARTICLES = "articles"
PAGES = "pages"

_STR = {"bsonType": "string"}
_STR_OR_NULL = {"bsonType": ["string", "null"]}
_DATE_OR_NULL = {"bsonType": ["date", "null"]}
_STR_LIST = {"bsonType": "array", "items": {"bsonType": "string"}}

ARTICLE_SCHEMA: dict[str, Any] = {
    "bsonType": "object",
    "required": [
        "_id",
        "url",
        "fetched_url",
        "outlet",
        "domain",
        "page_type",
        "title",
        "body",
        "authors",
        "tags",
        "images",
        "language",
        "word_count",
        "published_at",
        "published",
        "fetched_at",
        "first_seen_at",
        "last_seen_at",
        "content_hash",
        "body_hash",
        "revision",
        "extraction",
        "schema_version",
    ],
    "properties": {
        "_id": {"bsonType": "string", "minLength": 8},
        "url": {"bsonType": "string", "pattern": "^https?://"},
        "fetched_url": {"bsonType": "string", "pattern": "^https?://"},
        "outlet": {"bsonType": "string", "minLength": 1},
        "domain": {"bsonType": "string", "minLength": 1},
        "page_type": {"enum": list(PAGE_TYPES)},
        "title": {"bsonType": "string", "minLength": 1},
        "lead": _STR_OR_NULL,
        "dateline": _STR_OR_NULL,
        "body": _STR,
        "authors": _STR_LIST,
        "credit": _STR_OR_NULL,
        "category": _STR_OR_NULL,
        "tags": _STR_LIST,
        "images": {
            "bsonType": "array",
            "items": {
                "bsonType": "object",
                "required": ["url"],
                "properties": {"url": _STR, "caption": _STR_OR_NULL, "credit": _STR_OR_NULL},
            },
        },
        "language": {"bsonType": "string", "minLength": 2},
        "word_count": {"bsonType": ["int", "long"], "minimum": 0},
        "published_at": _DATE_OR_NULL,
        "published": {
            "bsonType": "object",
            "properties": {
                "displayed": _STR_OR_NULL,
                "source": {"enum": ["jsonld", "meta", "time", "header", "url", None]},
                "precision": {"enum": ["day", "minute", "second", None]},
            },
        },
        "modified_at": _DATE_OR_NULL,
        "fetched_at": {"bsonType": "date"},
        "first_seen_at": {"bsonType": "date"},
        "last_seen_at": {"bsonType": "date"},
        "content_hash": {"bsonType": "string", "pattern": "^[0-9a-f]{64}$"},
        "body_hash": {"bsonType": "string", "pattern": "^[0-9a-f]{64}$"},
        "previous_content_hashes": _STR_LIST,
        "revision": {"bsonType": ["int", "long"], "minimum": 1},
        "duplicate_of": _STR_OR_NULL,
        "story_id": _STR_OR_NULL,
        "extraction": {
            "bsonType": "object",
            "required": ["method", "warnings"],
            "properties": {"method": _STR, "warnings": _STR_LIST},
        },
        "schema_version": {"bsonType": ["int", "long"], "minimum": 1},
    },
}

# One index per query docs/schema.md shows (tests/crawler/store/test_indexes.py explains each of them).
ARTICLE_INDEXES = [
    IndexModel([("published_at", DESCENDING)], name="newest_first"),
    IndexModel([("outlet", ASCENDING), ("published_at", DESCENDING)], name="outlet_by_date"),
    IndexModel([("story_id", ASCENDING), ("published_at", ASCENDING)], name="by_story"),
    IndexModel([("content_hash", ASCENDING)], name="by_content_hash"),
    IndexModel([("body_hash", ASCENDING)], name="by_body_hash"),
    IndexModel([("last_seen_at", DESCENDING)], name="by_last_seen"),
    IndexModel([("duplicate_of", ASCENDING), ("published_at", DESCENDING)], name="originals_by_date"),
    IndexModel([("fetched_at", ASCENDING)], name="changes_since"),  # new or changed revisions
    IndexModel([("first_seen_at", ASCENDING)], name="new_since"),
]

PAGE_INDEXES = [
    IndexModel([("expire_at", ASCENDING)], name="retention", expireAfterSeconds=0),
    IndexModel([("outlet", ASCENDING), ("fetched_at", DESCENDING)], name="outlet_by_fetch"),
    IndexModel([("fetched_at", ASCENDING)], name="pages_since"),
]

NAMESPACE_EXISTS = 48  # create_collection on an existing collection (MongoDB's NamespaceExists)


def _already_exists(exc: CollectionInvalid | OperationFailure) -> bool:
    """pymongo raises CollectionInvalid itself, the server OperationFailure(48) when two creators race."""
    return not isinstance(exc, OperationFailure) or exc.code == NAMESPACE_EXISTS


async def ensure_articles_collection(
    db: AsyncDatabase[dict[str, Any]], articles: str = ARTICLES, pages: str = PAGES
) -> None:
    """Create (or update) the validator and indexes; safe to run from several processes at once."""
    validator = {"$jsonSchema": ARTICLE_SCHEMA}
    try:
        await db.create_collection(articles, validator=validator, validationLevel="strict")
    except (CollectionInvalid, OperationFailure) as exc:
        if not _already_exists(exc):
            raise
        await db.command("collMod", articles, validator=validator, validationLevel="strict")
    await db[articles].create_indexes(ARTICLE_INDEXES)
    await db[pages].create_indexes(PAGE_INDEXES)


def ensure_articles_collection_sync(
    db: Database[dict[str, Any]], articles: str = ARTICLES, pages: str = PAGES
) -> None:
    """`ensure_articles_collection` for blocking callers (command-line tools, tests): the same steps."""
    validator = {"$jsonSchema": ARTICLE_SCHEMA}
    try:
        db.create_collection(articles, validator=validator, validationLevel="strict")
    except (CollectionInvalid, OperationFailure) as exc:
        if not _already_exists(exc):
            raise
        db.command("collMod", articles, validator=validator, validationLevel="strict")
    db[articles].create_indexes(ARTICLE_INDEXES)
    db[pages].create_indexes(PAGE_INDEXES)


def utcnow() -> datetime:
    return datetime.now(UTC)


def upsert_article(doc: Mapping[str, Any], seen_at: datetime, duplicate_of: str | None = None) -> UpdateOne:
    """One atomic, idempotent write of an article.

    A new URL is inserted with revision 1; the same content again only advances `last_seen_at`;
    changed content replaces the content fields, increments `revision` and keeps the old hash.
    Run as an update pipeline so two writers racing on one URL cannot both "win".
    Values go in as `$literal` so text that starts with `$` is never read as a field path.
    """
    is_new, changed = "$_vn_is_new", "$_vn_changed"
    take_new = {"$or": [is_new, changed]}
    fields: dict[str, Any] = {
        name: {"$cond": [take_new, {"$literal": doc[name]}, f"${name}"]} for name in CONTENT_FIELDS
    }
    fields.update(
        revision={"$cond": [is_new, 1, {"$cond": [changed, {"$add": ["$revision", 1]}, "$revision"]}]},
        previous_content_hashes={
            "$cond": [
                changed,
                {"$concatArrays": [{"$ifNull": ["$previous_content_hashes", []]}, ["$content_hash"]]},
                {"$ifNull": ["$previous_content_hashes", []]},
            ]
        },
        first_seen_at={"$ifNull": ["$first_seen_at", {"$literal": seen_at}]},
        last_seen_at={"$max": ["$last_seen_at", {"$literal": seen_at}]},
        story_id={"$ifNull": ["$story_id", {"$literal": doc.get("story_id")}]},
        duplicate_of={"$ifNull": ["$duplicate_of", {"$literal": duplicate_of}]},
    )
    pipeline: list[dict[str, Any]] = [
        {"$set": {"_vn_is_new": {"$eq": [{"$type": "$content_hash"}, "missing"]}}},
        {
            "$set": {
                "_vn_changed": {"$and": [{"$not": [is_new]}, {"$ne": ["$content_hash", doc["content_hash"]]}]}
            }
        },
        {"$set": fields},
        {"$unset": ["_vn_is_new", "_vn_changed"]},
    ]
    return UpdateOne({"_id": doc["_id"]}, pipeline, upsert=True)


def insert_article(
    doc: Mapping[str, Any], seen_at: datetime, duplicate_of: str | None = None
) -> InsertOne[dict[str, Any]]:
    """The write of an article the store did not hold when its batch was read: a plain insert.

    It stores what `upsert_article` stores for a new URL, fields in the same order. A server checks
    no expression, where the pipeline costs it a walk of every value, and it writes every insert of
    a bulk in one commit, where each update is a commit of its own (SecantusDB journals each one:
    7× the time of an insert, docs/performance.md). Should another writer store the URL first, the
    insert fails on the unique `_id`, and the writer then sends `upsert_article` for it.
    """
    new: dict[str, Any] = {"_id": doc["_id"]}
    new.update((name, doc[name]) for name in CONTENT_FIELDS)
    new.update(
        revision=1,
        previous_content_hashes=[],
        first_seen_at=seen_at,
        last_seen_at=seen_at,
        story_id=doc.get("story_id"),
        duplicate_of=duplicate_of,
    )
    return InsertOne(new)


def classify(doc: Mapping[str, Any], stored_hash: str | None) -> str:
    """What a write of `doc` will do, given the hash stored for its URL: new, updated or unchanged."""
    if stored_hash is None:
        return "new"
    return "unchanged" if stored_hash == doc["content_hash"] else "updated"


def first_by_body_hash(docs: Iterable[Mapping[str, Any]], stored: Mapping[str, str]) -> dict[str, str]:
    """For each document, the URL that first carried the same body text, if it is another URL.

    `stored` maps body hash → URL already in the store; within a batch the first URL wins.
    """
    owner = dict(stored)
    duplicate_of: dict[str, str] = {}
    for doc in docs:
        if not doc["body"].strip():
            continue
        first = owner.setdefault(doc["body_hash"], doc["_id"])
        if first != doc["_id"]:
            duplicate_of[doc["_id"]] = first
    return duplicate_of


def page_document(
    url: str,
    outlet: str,
    fetched_url: str,
    fetched_at: datetime,
    body: bytes,
    *,
    encoding: str | None,
    status: int,
    content_type: str | None,
    retention_days: int,
    packed: bytes | None = None,
) -> dict[str, Any]:
    """The raw page as kept for re-extraction: zlib-compressed, expiring after the retention period.
    `packed`: the body compressed already (`RawPage.pack`)."""
    expire_at = fetched_at + timedelta(days=retention_days) if retention_days > 0 else None
    return {
        "_id": url,
        "outlet": outlet,
        "fetched_url": fetched_url,
        "fetched_at": fetched_at,
        "status": status,
        "content_type": content_type,
        "encoding": encoding,
        "compression": "zlib",
        "size": len(body),
        "html": Binary(compress_page(body) if packed is None else packed),
        "expire_at": expire_at,
    }


def upsert_page(page: Mapping[str, Any]) -> UpdateOne:
    """Keep the latest fetch of each URL."""
    return UpdateOne({"_id": page["_id"]}, {"$set": dict(page)}, upsert=True)


def insert_page(page: Mapping[str, Any]) -> InsertOne[dict[str, Any]]:
    """The page of an article the store did not hold: inserted (see `insert_article`), and should
    the URL be stored meanwhile, the writer sends `upsert_page` for it."""
    return InsertOne(dict(page))


def page_html(page: Mapping[str, Any]) -> bytes:
    """The stored raw HTML bytes of a `pages` document."""
    data = bytes(page["html"])
    return zlib.decompress(data) if page.get("compression") == "zlib" else data


def describe_validation_error(error: Mapping[str, Any]) -> str:
    """A one-line account of why the server's $jsonSchema validator refused a document."""
    reasons: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, path)
            return
        if not isinstance(node, dict):
            return
        if "missingProperties" in node:
            reasons.extend(f"{path}{name}: required field missing" for name in node["missingProperties"])
        if "propertyName" in node:
            walk(node.get("details", []), f"{path}{node['propertyName']}.")
            return
        if "reason" in node and "propertiesNotSatisfied" not in node:
            value = node.get("consideredValue", node.get("consideredType"))
            reasons.append(f"{path.rstrip('.') or 'document'}: {node['reason']} (got {value!r})")
        for key in ("schemaRulesNotSatisfied", "propertiesNotSatisfied", "details", "itemsNotSatisfied"):
            if key in node:
                walk(node[key], path)

    walk(error.get("errInfo", {}).get("details", {}), "")
    doc_id = error.get("errInfo", {}).get("failingDocumentId")
    where = f" {doc_id}" if doc_id is not None else ""
    detail = "; ".join(dict.fromkeys(reasons)) or error.get("errmsg", "document failed validation")
    return f"document{where} failed validation: {detail}"


__all__ = [
    "ARTICLES",
    "ARTICLE_INDEXES",
    "ARTICLE_SCHEMA",
    "DUPLICATE_KEY",
    "PAGES",
    "PAGE_INDEXES",
    "SCHEMA_VERSION",
    "classify",
    "describe_validation_error",
    "ensure_articles_collection",
    "ensure_articles_collection_sync",
    "first_by_body_hash",
    "insert_article",
    "insert_page",
    "page_document",
    "page_html",
    "upsert_article",
    "upsert_page",
    "utcnow",
]
