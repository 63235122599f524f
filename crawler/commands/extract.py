"""Command-line entry points wired into `vnnews` by crawler/cli.py: `extract` and `reextract`."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymongo import UpdateOne

from crawler.commands.common import add_store_arguments, open_store
from crawler.items import CONTENT_FIELDS, VN_TZ, FetchedPage, article_from_document
from crawler.pipelines import PageFlow
from crawler.pipelines.dates import choose_dates
from crawler.store.schema import ARTICLES, PAGES, page_html, upsert_article

# Fields that say how and when, not what: they change on every run and are not reported.
_BOOKKEEPING = frozenset({"fetched_at", "extraction"})


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _when(text: str) -> datetime:
    """ISO 8601 date or datetime from the command line; a date or naive time is Vietnamese local time."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def run_extract(argv: list[str] | None = None) -> int:
    """`vnnews extract PAGE.html --url URL`: print the article document as JSON (exit 1 if none)."""
    parser = argparse.ArgumentParser(prog="vnnews extract", description="Extract one saved page.")
    parser.add_argument("page", type=Path, help="saved HTML file")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    parser.add_argument("--encoding", default=None, help="charset from the HTTP headers, if known")
    parser.add_argument("--fetched-at", type=_when, default=None, help="ISO time of the fetch (default: now)")
    args = parser.parse_args(argv)
    try:
        html = args.page.read_bytes()
    except OSError as exc:
        print(f"vnnews extract: cannot read {args.page}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    page = FetchedPage(
        url=args.url, body=html, fetched_at=args.fetched_at or datetime.now(UTC), encoding=args.encoding
    )
    result = PageFlow().run(page)
    if result.article is None:
        print(f"vnnews extract: not an article ({result.page_type}): {result.error}", file=sys.stderr)
        return 1
    print(json.dumps(result.article.to_document(), ensure_ascii=False, indent=2, default=_json_default))
    return 0


def changed_fields(stored: dict[str, Any] | None, doc: dict[str, Any]) -> list[str]:
    """Content fields whose value differs between the stored document and a fresh extraction."""
    if stored is None:
        return ["(new)"]
    return [f for f in CONTENT_FIELDS if f not in _BOOKKEEPING and stored.get(f) != doc.get(f)]


# Articles written to the store in one bulk write.
WRITE_BATCH = 500
# The fields the dates stage owns: what `--dates-only` may change.
DATE_FIELDS = ("published_at", "modified_at", "published")


def _fetched_page(page: dict[str, Any]) -> FetchedPage:
    """A stored raw page as the spider handed it on."""
    fetched_at = page["fetched_at"]
    if fetched_at.tzinfo is None:  # BSON dates are UTC; a client without tz_aware drops the zone
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return FetchedPage(
        url=page.get("fetched_url") or page["_id"],
        body=page_html(page),
        fetched_at=fetched_at,
        status=page.get("status") or 200,
        content_type=page.get("content_type"),
        encoding=page.get("encoding"),
        outlet=page.get("outlet"),
    )


def _reextracted(db: Any, query: dict[str, Any], counts: Counter[str], fields: Counter[str]) -> Iterator[Any]:
    """The writes that bring stored articles up to a fresh run of the offline stages over their pages."""
    flow = PageFlow()
    for page in db[PAGES].find(query):
        counts["pages"] += 1
        fetched = _fetched_page(page)
        result = flow.run(fetched)
        if result.article is None:
            counts[f"not an article ({result.page_type})"] += 1
            continue
        doc = result.article.to_document()
        stored = db[ARTICLES].find_one({"_id": doc["_id"]})
        changed = changed_fields(stored, doc)
        if not changed:
            counts["unchanged"] += 1
            continue
        counts["changed"] += 1
        fields.update(changed)
        if stored is None or stored.get("content_hash") != doc["content_hash"]:
            yield upsert_article(doc, fetched.fetched_at)
        else:
            yield UpdateOne({"_id": doc["_id"]}, {"$set": {f: doc[f] for f in changed}})


def _redated(db: Any, query: dict[str, Any], counts: Counter[str], fields: Counter[str]) -> Iterator[Any]:
    """The writes of the dates stage alone, run again on the candidates stored with each article."""
    for stored in db[ARTICLES].find(query):
        counts["articles"] += 1
        article = choose_dates(article_from_document(stored))
        doc = article.to_document()
        changed = [f for f in DATE_FIELDS if stored.get(f) != doc.get(f)]
        if not changed:
            counts["unchanged"] += 1
            continue
        counts["changed"] += 1
        fields.update(changed)
        yield UpdateOne({"_id": stored["_id"]}, {"$set": {f: doc[f] for f in changed}})


def _write(collection: Any, writes: Iterator[Any], dry_run: bool) -> None:
    batch: list[Any] = []
    for write in writes:
        batch.append(write)
        if len(batch) >= WRITE_BATCH:
            if not dry_run:
                collection.bulk_write(batch, ordered=False)
            batch = []
    if batch and not dry_run:
        collection.bulk_write(batch, ordered=False)


def run_reextract(argv: list[str] | None = None) -> int:
    """`vnnews reextract [--source X] [--since …] [--dates-only]`: run the stages again on stored pages.

    Documents whose extracted content changed are updated (a changed content hash makes a new
    revision through the store's own upsert); the count of changes per field is printed. With
    `--dates-only` only the dates stage runs, on the date candidates stored with each article.
    """
    parser = argparse.ArgumentParser(prog="vnnews reextract", description="Re-extract stored raw pages.")
    parser.add_argument("--source", help="outlet id (e.g. vnexpress); default: every outlet")
    parser.add_argument("--since", type=_when, help="only pages fetched at or after this ISO date/time")
    parser.add_argument("--dates-only", action="store_true", help="choose dates again from stored candidates")
    parser.add_argument("--dry-run", action="store_true", help="report changes without writing")
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    query: dict[str, Any] = {}
    if args.source:
        query["outlet"] = args.source
    if args.since:
        query["fetched_at"] = {"$gte": args.since}
    counts: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    with open_store(args.uri, args.database) as store:
        stage = _redated if args.dates_only else _reextracted
        _write(store.db[ARTICLES], stage(store.db, query, counts, fields), args.dry_run)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing stored matched")
    for name, count in fields.most_common():
        print(f"  {name}: {count} changed")
    if args.dry_run:
        print("(dry run: nothing written)")
    return 0
