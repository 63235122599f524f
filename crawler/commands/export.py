"""`vnnews export`: articles from the store to a JSON lines, CSV or Parquet file (or standard output).

The store's cursor is read in batches and each batch written at once (Parquet: row groups under a
declared schema), so a million articles export in flat memory. docs/exports.md has the columns and
a pandas/duckdb recipe.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from pymongo.errors import PyMongoError

from crawler.commands.common import Progress, add_store_arguments, open_store
from crawler.store.connection import redact_uri
from exporters.files import CURSOR_BATCH, FORMATS, article_query, write_articles
from spiders.base import BOUND_FORMS, parse_bound

logger = logging.getLogger(__name__)

EXIT_BAD_ARGUMENTS = 2
EXIT_STORE_UNREACHABLE = 5


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vnnews export", description=__doc__)
    p.add_argument("--since", help=f"published at or after: {BOUND_FORMS}")
    p.add_argument("--until", help="published at or before (a date alone takes in that whole day)")
    p.add_argument("--outlet", action="append", default=[], help="outlet id (repeat for several)")
    p.add_argument("--story", help="only the articles of this story_id")
    p.add_argument("--format", choices=FORMATS, help="default: from the --out suffix, else jsonl")
    p.add_argument("--out", default="-", help="file to write, or - for standard output (default)")
    add_store_arguments(p)
    return p


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lstrip(".").lower()
    return {"jl": "jsonl", "jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "pq": "parquet"}.get(
        suffix, "jsonl"
    )


@contextlib.contextmanager
def _output(out: str) -> Iterator[IO[bytes]]:
    """The target file, written beside it and moved into place at the end (no half file on failure)."""
    if out == "-":
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    target = Path(out)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as handle:
            yield handle
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(argv or []))
    try:
        since = parse_bound(args.since)
        until = parse_bound(args.until, end_of_day=True)
    except ValueError as exc:
        print(f"vnnews export: {exc}; use {BOUND_FORMS}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    fmt = _format(args)
    if fmt == "parquet" and args.out == "-" and sys.stdout.isatty():
        print("vnnews export: Parquet is binary; give --out FILE or pipe it", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    query = article_query(since, until, args.outlet, args.story)
    try:
        with open_store(args.uri, args.database) as store:
            cursor = store.db.articles.find(query, batch_size=CURSOR_BATCH)
            with Progress("export", out=sys.stderr) as progress, _output(args.out) as out:
                count = write_articles(cursor, fmt, out, progress)
    except PyMongoError as exc:
        print(f"vnnews export: the store is unreachable: {redact_uri(str(exc))}", file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
    where = "standard output" if args.out == "-" else args.out
    print(f"{count} articles written to {where} ({fmt})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
