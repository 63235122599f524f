"""`vnnews crawl [OUTLET…|--all]`: the command a scheduler runs (docs/operations.md).

Crawls the outlets side by side in this process, each under its lease in the store (a second crawl
of an outlet is refused at once, exit 3), shows live counts on a terminal and log lines otherwise,
and ends with the per-outlet summary table. Every crawl leaves a `crawl_runs` document that
`vnnews status` reads. The exit code is the worst outcome of the outlets (crawler/exitcodes.py).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo.errors import PyMongoError

from crawler.commands.common import Progress, add_store_arguments
from crawler.commands.demo import outlet_summary, print_summary
from crawler.exitcodes import ExitCode
from crawler.extensions.progress import register_display, unregister_display
from crawler.outlets import OUTLETS
from crawler.replay.run import REPLAY_SETTINGS, crawl_outcomes, exit_code, run_crawls
from crawler.store.connection import configured_uri, redact_uri, sync_client
from spiders.base import BOUND_FORMS

# How long the start-up check waits for the store before the run gives up with exit 5.
STORE_CHECK_TIMEOUT_MS = 5_000


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vnnews crawl", description=__doc__)
    p.add_argument("outlets", nargs="*", metavar="OUTLET", help=f"outlet ids: {', '.join(sorted(OUTLETS))}")
    p.add_argument("--all", action="store_true", help="every outlet")
    p.add_argument("--since", help=f"publication window start (backfill): {BOUND_FORMS}")
    p.add_argument("--until", help="publication window end (a date alone takes in that whole day)")
    p.add_argument("--refresh-hours", type=float, help="re-fetch stored articles this recent (corrections)")
    p.add_argument("--max-pages", type=int, help="article pages fetched per outlet at most")
    p.add_argument("--replay-url", help="crawl the local replay served there instead of the live sites")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    add_store_arguments(p)
    return p


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.uri:
        overrides["MONGODB_URI"] = args.uri
    if args.database:
        overrides["MONGODB_DATABASE"] = args.database
    if args.replay_url:
        overrides.update(REPLAY_SETTINGS, REPLAY_URL=args.replay_url)
    if sys.stderr.isatty():
        overrides["LOG_LEVEL"] = "WARNING"  # the live line shows progress; warnings still print
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name] = value
    return overrides


def _spider_args(args: argparse.Namespace) -> dict[str, Any]:
    values = {
        "since": args.since,
        "until": args.until,
        "refresh_hours": args.refresh_hours,
        "max_pages": args.max_pages,
    }
    return {k: v for k, v in values.items() if v is not None}


def _store_reachable(uri: str | None) -> str | None:
    """None when the configured store answers (or the embedded one will be started), else why not."""
    if not uri:
        return None
    try:
        with sync_client(uri, timeout_ms=STORE_CHECK_TIMEOUT_MS) as client:
            client.admin.command("ping")
    except PyMongoError as exc:
        return f"the store at {redact_uri(uri)} is unreachable: {redact_uri(str(exc))[:300]}"
    return None


def report(stats: Mapping[str, Mapping[str, Any]]) -> None:
    """The summary table, then one line per outlet that did not end well (refusals name the holder)."""
    print()
    print_summary(outlet_summary(stats))
    for name, outcome in sorted(crawl_outcomes(stats).items()):
        crawl = stats[name]
        if outcome.code is ExitCode.REFUSED:
            holder = crawl.get("lease/refused_by", "another crawl")
            print(f"{name}: refused: already being crawled (lease held by {holder})", file=sys.stderr)
        elif outcome.code is not ExitCode.OK:
            print(f"{name}: exit {int(outcome.code)}: {outcome.reason}", file=sys.stderr)
        if crawl.get("run/id"):
            print(f"{name}: run {crawl['run/id']} ({outcome.code.name.lower()})", file=sys.stderr)


def run(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(list(argv or []))
    unknown = sorted(set(args.outlets) - set(OUTLETS))
    if unknown or bool(args.outlets) == args.all:
        why = f"unknown outlets {unknown}" if unknown else "name the outlets or give --all (not both)"
        print(f"vnnews crawl: {why}; outlets: {', '.join(sorted(OUTLETS))}", file=sys.stderr)
        return int(ExitCode.BAD_ARGUMENTS)
    try:
        overrides = _settings(args)
    except ValueError as exc:
        print(f"vnnews crawl: {exc}", file=sys.stderr)
        return int(ExitCode.BAD_ARGUMENTS)
    if problem := _store_reachable(args.uri or configured_uri(None)):
        print(f"vnnews crawl: {problem}", file=sys.stderr)
        return int(ExitCode.STORE_UNREACHABLE)
    outlets = sorted(OUTLETS) if args.all else list(dict.fromkeys(args.outlets))
    display = f"vnnews-crawl-{uuid.uuid4().hex[:8]}"
    with Progress(f"crawl {len(outlets)} outlets", out=sys.stderr) as progress:
        register_display(display, progress)
        try:
            stats = run_crawls(outlets, overrides | {"CRAWL_PROGRESS": display}, _spider_args(args))
        finally:
            unregister_display(display)
    report(stats)
    return exit_code(stats)


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
