"""`vnnews stories --since …`: the latest stories and how many outlets carried each."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pymongo

from crawler.store.connection import resolve_uri
from crawler.stories.core import StoryConfig
from crawler.stories.store import assign_unassigned

_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_VN = timedelta(hours=7)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`24h`, `3d`, `1w`, or an ISO date/time (a date without zone is midnight in Vietnam, UTC+7)."""
    now = now or datetime.now(UTC)
    if m := _RELATIVE.match(text.strip()):
        return now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = (value - _VN).replace(tzinfo=UTC)
    return value.astimezone(UTC)


def latest_stories_pipeline(since: datetime, limit: int = 20, min_outlets: int = 1) -> list[dict[str, Any]]:
    """The aggregation behind `vnnews stories` (documented in docs/stories.md for consumers)."""
    return [
        {"$match": {"last_published_at": {"$gte": since}}},
        {"$sort": {"last_published_at": -1}},
        {
            "$project": {
                "_id": 1,
                "title": "$original.title",
                "original": "$original.article",
                "outlets": 1,
                "outlet_count": {"$size": "$outlets"},
                "article_count": {"$size": "$articles"},
                "first_published_at": 1,
                "last_published_at": 1,
            }
        },
        {"$match": {"outlet_count": {"$gte": min_outlets}}},
        {"$limit": limit},
    ]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vnnews stories", description=__doc__)
    p.add_argument("--since", default="24h", help="24h, 3d, 1w or an ISO date (default 24h)")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--min-outlets", type=int, default=1, help="only stories carried by at least N outlets")
    p.add_argument("--uri", help="MongoDB URI (default: $MONGODB_URI, else the embedded store)")
    p.add_argument("--db", default=os.environ.get("MONGODB_DATABASE", "vnnews"))
    p.add_argument("--collection", default="stories")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--assign",
        action="store_true",
        help="first give a story to stored articles that have none (stored with assignment off or failing)",
    )
    return p


def _connect(uri: str | None) -> tuple[str, Any]:
    """The URI to use and the embedded server started for it (None if none was started)."""
    if uri:
        return uri, None
    return resolve_uri()


def _fmt(value: datetime) -> str:
    return (value.astimezone(UTC) + _VN).strftime("%Y-%m-%d %H:%M")


def format_story(row: dict[str, Any]) -> str:
    """Two lines for one row of `latest_stories_pipeline`: time, outlet count, title; the original."""
    title = row["title"] or row["_id"]
    return (
        f"{_fmt(row['last_published_at'])}  {row['outlet_count']:>2} outlets  {title}\n"
        f"    original {row['original']}  ({', '.join(row['outlets'])})"
    )


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        since = parse_since(args.since)
    except ValueError:
        print(f"cannot read --since {args.since!r}", file=sys.stderr)
        return 2
    uri, server = _connect(args.uri)
    client: pymongo.MongoClient[dict[str, Any]]
    try:
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10_000, tz_aware=True) as client:
            if args.assign:
                config = StoryConfig(stories_collection=args.collection)
                count = assign_unassigned(client[args.db], config)
                print(f"assigned a story to {count} stored articles that had none", file=sys.stderr)
            pipeline = latest_stories_pipeline(since, args.limit, args.min_outlets)
            rows: list[dict[str, Any]] = list(client[args.db][args.collection].aggregate(pipeline))
    finally:
        if server is not None:
            server.stop()
    for row in rows:
        if args.json:
            out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(format_story(row))
    if not args.json:
        print(f"{len(rows)} stories since {_fmt(since)} (UTC+7)")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
