"""Run the real spiders in this process (one CrawlerProcess) and return each crawl's stats.

Used by the demo, the benchmark and, through `python -m crawler.replay.run`, by the end-to-end tests
(a Twisted reactor starts once per process, so tests run crawls in a subprocess).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.log import failure_to_exc_info
from scrapy.utils.project import get_project_settings

from crawler.exitcodes import (
    BAD_ARGUMENT_ERRORS,
    ExitCode,
    Outcome,
    crawl_outcome,
    log_outcomes,
    process_exit_code,
)
from crawler.store.connection import resolve_uri

logger = logging.getLogger(__name__)

# What a crawl of the local replay changes: no delays (the server is ours), more concurrency, and
# short back-off. Live politeness settings stay as crawler/settings.py and the profiles set them.
REPLAY_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0.2,
}


def project_settings(overrides: Mapping[str, Any] | None = None) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")

    settings = get_project_settings()
    settings.setdict(dict(overrides or {}), priority="cmdline")
    return settings


def run_crawls(
    spiders: Iterable[str],
    overrides: Mapping[str, Any] | None = None,
    spider_args: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the named spiders side by side; {spider name: its final stats}.

    The store's URI is resolved once here: without MONGODB_URI the embedded server is started for all
    the crawls (one data folder can be opened once per process) and stopped when they are done. A crawl
    that could not start has `crawl_error` in its stats (see `failed_crawls`).
    """

    settings = project_settings(overrides)
    uri, embedded = resolve_uri(settings)
    settings.set("MONGODB_URI", uri, priority="cmdline")
    crawlers = {}
    errors: dict[str, str] = {}
    try:
        process = CrawlerProcess(settings)
        for name in spiders:
            crawler = process.create_crawler(name)
            crawlers[name] = crawler
            done = process.crawl(crawler, **dict(spider_args or {}))
            done.addErrback(_crawl_failed, name, errors)
        process.start()
    finally:
        if embedded is not None:
            embedded.stop()
    stats = {name: _final_stats(c) for name, c in crawlers.items()}
    for name, error in errors.items():
        stats[name]["crawl_error"] = error
    return stats


def _final_stats(crawler: Any) -> dict[str, Any]:
    try:
        return dict(crawler.stats.get_stats())
    except RuntimeError:  # Crawler.stats is not set: the crawl never started
        return {}


def _crawl_failed(failure: Any, name: str, errors: dict[str, str]) -> None:

    if failure.type.__name__ in BAD_ARGUMENT_ERRORS:  # one line, no traceback: the message says it all
        logger.error("The crawl of %s was refused: %s", name, failure.getErrorMessage())
    else:
        logger.error("The crawl of %s failed", name, exc_info=failure_to_exc_info(failure))
    errors[name] = f"{failure.type.__name__}: {failure.getErrorMessage()}"


def crawl_outcomes(stats: Mapping[str, Mapping[str, Any]]) -> dict[str, Outcome]:
    """{spider: its outcome} (crawler/exitcodes.py): the exit code and the reason of each crawl."""
    return {name: crawl_outcome(crawl) for name, crawl in stats.items()}


def failed_crawls(stats: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """{spider: why} for the crawls whose outcome is not 0: did not start, refused, discovery or the
    store failed, stopped early, or a callback raised. A crawl stopped by a CLOSESPIDER_* limit (other
    than the error count) finished as asked."""
    return {name: o.reason for name, o in crawl_outcomes(stats).items() if o.code is not ExitCode.OK}


def exit_code(stats: Mapping[str, Mapping[str, Any]]) -> int:
    """The process's exit code for these crawls (docs/operations.md, "Exit codes")."""
    return int(process_exit_code(crawl_outcomes(stats)))


def _pairs(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep:
            raise SystemExit(f"expected NAME=VALUE, got {value!r}")
        out[key] = val
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.replay.run", description=__doc__)
    parser.add_argument("spiders", nargs="+")
    parser.add_argument("--replay-url", help="REPLAY_URL (omit for a live crawl)")
    parser.add_argument("-s", "--set", action="append", default=[], help="Scrapy setting NAME=VALUE")
    parser.add_argument("-a", "--arg", action="append", default=[], help="spider argument NAME=VALUE")
    parser.add_argument("--out", type=Path, help="write the stats as JSON here (default: stdout)")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.replay_url:
        overrides.update(REPLAY_SETTINGS, REPLAY_URL=args.replay_url)
    overrides.update(_pairs(args.set))
    stats = run_crawls(args.spiders, overrides, _pairs(args.arg))
    text = json.dumps(stats, default=str, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text + "\n")
    outcomes = crawl_outcomes(stats)
    for name, outcome in sorted(outcomes.items()):
        if outcome.code is not ExitCode.OK:
            sys.stderr.write(f"crawl of {name} failed: {outcome.reason}\n")
    return int(log_outcomes(outcomes))  # the last log line names every outlet's outcome


if __name__ == "__main__":
    raise SystemExit(main())
