"""`vnnews demo`: the whole job on one machine with nothing to set up.

Starts the embedded store (unless MONGODB_URI points elsewhere), serves the local replay of every
outlet, crawls it with the same spiders a live crawl uses, prints a per-outlet summary and the answer
to one query a consumer would run. `--live` crawls the real sites instead (politely: expect minutes).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from crawler.commands.common import print_table
from crawler.commands.stories import format_story, latest_stories_pipeline
from crawler.outlets import OUTLETS
from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.corpus import shared_fixtures_dir
from crawler.replay.run import REPLAY_SETTINGS, exit_code, failed_crawls, project_settings, run_crawls
from crawler.store.connection import database_name, redact_uri, resolve_uri, sync_client

VN = ZoneInfo("Asia/Ho_Chi_Minh")

COLUMNS = (
    ("found", ("found",)),
    ("fetched", ("fetched",)),
    ("known", ("skipped_known", "skipped_not_news")),
    ("new", ("new",)),
    ("updated", ("updated",)),
    ("unchanged", ("unchanged",)),
    ("dup", ("duplicate",)),
    ("not news", ("not_news/",)),
    ("failed", ("failed",)),
    ("discovery failed", ("discovery_failed/",)),  # feed, sitemap and listing requests that failed
)


def outlet_summary(
    stats: Mapping[str, Mapping[str, Any]],
    columns: Sequence[tuple[str, tuple[str, ...]]] = COLUMNS,
) -> dict[str, dict[str, int]]:
    """{outlet: {column: count}} from the crawls' stats (`outlet/<id>/<what>` keys); a column's key
    ending in "/" sums every stat under it."""
    rows: dict[str, dict[str, int]] = {}
    for crawl in stats.values():
        for key, value in crawl.items():
            parts = key.split("/", 2)
            if len(parts) < 3 or parts[0] != "outlet":
                continue
            row = rows.setdefault(parts[1], {name: 0 for name, _ in columns})
            for name, keys in columns:
                if any(parts[2] == k or (k.endswith("/") and parts[2].startswith(k)) for k in keys):
                    row[name] += int(value)
    return dict(sorted(rows.items()))


def print_summary(rows: Mapping[str, Mapping[str, int]], out: TextIO = sys.stdout) -> None:
    print_table([name for name, _ in COLUMNS], rows, out)


def print_latest(uri: str, database: str, out: TextIO = sys.stdout, limit: int = 5) -> None:
    """The query a consumer runs first: the newest articles, any outlet (uses the newest-first index)."""
    out.write(
        f"\nLatest {limit} articles:  db.articles.find({{}}, {{outlet, published_at, title}})"
        f".sort({{published_at: -1}}).limit({limit})\n"
    )
    with sync_client(uri) as client:
        cursor = client[database].articles.find({}, {"outlet": 1, "published_at": 1, "title": 1})
        for doc in cursor.sort("published_at", -1).limit(limit):
            when = doc.get("published_at")
            shown = when.astimezone(VN).strftime("%Y-%m-%d %H:%M") if when else "(no date)"
            out.write(f"  {shown}  {doc['outlet']:<12} {doc['title'][:70]}\n")
        total = client[database].articles.count_documents({})
    out.write(f"\n{total} articles in {database}.articles\n")


def print_syndicated(uri: str, database: str, out: TextIO = sys.stdout, limit: int = 5) -> None:
    """Stories carried by more than one outlet (the query behind `vnnews stories --min-outlets 2`)."""
    pipeline = latest_stories_pipeline(datetime(1990, 1, 1, tzinfo=UTC), limit, min_outlets=2)
    out.write(
        "\nStories carried by more than one outlet  (vnnews stories --min-outlets 2; docs/stories.md)\n"
    )
    with sync_client(uri) as client:
        rows = list(client[database].stories.aggregate(pipeline))
        total = client[database].stories.count_documents({})
    for row in rows:
        out.write(format_story(row) + "\n")
    out.write(f"{total} stories in {database}.stories, {len(rows)} of them from more than one outlet\n")


def run_demo(argv: Sequence[str]) -> int:

    parser = argparse.ArgumentParser(prog="vnnews demo", description=__doc__)
    parser.add_argument("--live", action="store_true", help="crawl the real sites, not the local replay")
    parser.add_argument("--outlets", help="comma list of outlet ids (default: all with pages / all)")
    parser.add_argument("--corpus", help="replay corpora: own,shared (default: both when ../shared exists)")
    parser.add_argument("--max-pages", type=int, help="article pages per outlet (live default: 20)")
    parser.add_argument("--since", help="publication window start, e.g. 48h, 7d, 2026-07-01")
    args = parser.parse_args(list(argv))

    settings = project_settings()
    uri, embedded = resolve_uri(settings)
    database = database_name(settings)
    replay: ReplayServer | None = None
    overrides: dict[str, Any] = {"MONGODB_URI": uri, "LOG_LEVEL": settings.get("LOG_LEVEL", "WARNING")}
    if overrides["LOG_LEVEL"] == "INFO":
        overrides["LOG_LEVEL"] = "WARNING"
    spider_args: dict[str, Any] = {}
    try:
        wanted = args.outlets.split(",") if args.outlets else None
        if args.live:
            outlets = wanted or sorted(OUTLETS)
            spider_args["max_pages"] = args.max_pages or 20
            print(f"Crawling {len(outlets)} live sites politely into {redact_uri(uri)} ...", flush=True)
        else:
            corpora = (
                args.corpus.split(",")
                if args.corpus
                else (["own", "shared"] if shared_fixtures_dir() else ["own"])
            )
            site = ReplaySite(load_corpus(corpora, outlets=wanted))
            replay = ReplayServer(site).start()
            outlets = site.outlets
            overrides.update(REPLAY_SETTINGS, REPLAY_URL=replay.url)
            if args.max_pages is not None:
                spider_args["max_pages"] = args.max_pages
            print(
                f"Replay of {len(site.pages)} saved pages ({', '.join(corpora)}) at {replay.url}; "
                f"store {redact_uri(uri)}{' (embedded)' if embedded else ''}",
                flush=True,
            )
        if args.since:
            spider_args["since"] = args.since
        stats = run_crawls(outlets, overrides, spider_args)
        print()
        print_summary(outlet_summary(stats))
        print_latest(uri, database)
        print_syndicated(uri, database)
        for name, why in sorted(failed_crawls(stats).items()):
            print(f"crawl {name} failed: {why}", file=sys.stderr)
        code = exit_code(stats)
    finally:
        if replay is not None:
            replay.stop()
        if embedded is not None:
            embedded.stop()
    return code


if __name__ == "__main__":
    raise SystemExit(run_demo(sys.argv[1:]))
