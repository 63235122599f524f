"""`vnnews ingest PATH…`: backfill the store from web archives and saved pages (docs/ingest.md).

Runs the archive spider (spiders/archive.py) through the same crawl runner as the demo, so every page
takes the crawl's own stages into the store. Shows progress while it reads and ends with the
per-outlet table and the records skipped, by reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from crawler.archives import UrlFrom
from crawler.commands.common import Progress, add_store_arguments, print_table
from crawler.commands.demo import outlet_summary
from crawler.replay.run import failed_crawls, run_crawls
from spiders.archive import ArchiveSpider, skipped_reasons

# Table columns and the `outlet/<id>/<what>` stats each adds up (a trailing "/" takes a whole family).
COLUMNS = (
    ("read", ("fetched",)),
    ("new", ("new",)),
    ("updated", ("updated",)),
    ("unchanged", ("unchanged",)),
    ("dup", ("duplicate",)),
    ("not news", ("not_news/",)),
    ("failed", ("failed",)),
    ("outside", ("outside_window",)),
)


def print_report(stats: Mapping[str, Any], out: TextIO = sys.stdout) -> None:
    """The per-outlet table, then the skipped records by reason."""
    print_table([name for name, _ in COLUMNS], outlet_summary({"ingest": stats}, COLUMNS), out)
    reasons = skipped_reasons(dict(stats))
    records = int(stats.get("ingest/records", 0))
    out.write(f"\n{records} records read, {int(stats.get('ingest/pages', 0))} pages ingested")
    out.write(f", {sum(reasons.values())} skipped\n")
    if reasons:
        print_table(["records"], {r: {"records": n} for r, n in reasons.items()}, out, key="skipped")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vnnews ingest", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, help=".warc, .warc.gz, .html files or folders")
    parser.add_argument(
        "--url-from",
        help="URL of a saved .html file: canonical (default), og, or manifest:FILE (TSV file, url)",
    )
    parser.add_argument("--lang", help="vi (default): skip pages in another language; any: keep all")
    parser.add_argument("--since", help="keep articles published from then on (2020-01-01, 7d, …)")
    parser.add_argument("--until", help="keep articles published up to then")
    parser.add_argument("--stats-out", type=Path, help="also write the run's stats here as JSON")
    add_store_arguments(parser)
    return parser.parse_args(list(argv))


def run_ingest(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"vnnews ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        if args.url_from:
            UrlFrom.parse(args.url_from)
    except ValueError as exc:
        print(f"vnnews ingest: {exc}", file=sys.stderr)
        return 2
    if args.lang and args.lang.lower() not in ("vi", "any"):
        print(f"vnnews ingest: --lang {args.lang!r}: use vi or any", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {"LOG_LEVEL": "WARNING"}
    if args.uri:
        overrides["MONGODB_URI"] = args.uri
    if args.database:
        overrides["MONGODB_DATABASE"] = args.database
    spider_args = {
        "paths": [str(p) for p in args.paths],
        "url_from": args.url_from,
        "lang": args.lang,
        "since": args.since,
        "until": args.until,
    }
    with Progress("ingest") as progress:
        stats = run_crawls([ArchiveSpider.name], overrides, {**spider_args, "progress": progress})
    crawl = stats.get(ArchiveSpider.name, {})
    if args.stats_out:
        args.stats_out.write_text(json.dumps(crawl, default=str, indent=1, sort_keys=True))
    print_report(crawl)
    for name, why in failed_crawls(stats).items():
        print(f"vnnews ingest: the {name} run failed: {why}", file=sys.stderr)
    return 1 if failed_crawls(stats) else 0


if __name__ == "__main__":
    raise SystemExit(run_ingest(sys.argv[1:]))
