"""Exit codes a scheduler can trust (docs/operations.md, "Exit codes").

Scrapy exits 1 only when a crawl could not start, so a crawl that fetched nothing looks like success.
Here each crawl's outcome is read from its stats when it closes (`ExitCodeExtension`, which also counts
the discovery requests that were answered) and the process exits with the code of the worst outcome:
`scrapy crawl` through `ExitCodeCrawl` (the crawl command of COMMANDS_MODULE builds on it), and
`python -m crawler.replay.run`, `vnnews demo` and `vnnews crawl` through `run_crawls`' stats. The last
log line names the outcome of every outlet.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    import argparse

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class ExitCode(IntEnum):
    OK = 0  # every outlet crawled: its discovery answered and the store took the articles
    FAILED = 1  # a crawl failed otherwise: did not start, stopped early, or a callback raised
    BAD_ARGUMENTS = 2  # refused before any request: an unknown or unreadable -a argument
    REFUSED = 3  # refused by the lock: another crawl of the outlet holds its lease
    DISCOVERY_FAILED = 4  # every discovery request (feeds, sitemaps, listings) of an outlet failed
    STORE_UNREACHABLE = 5  # no store call succeeded in the whole run (articles wait in the spool)


# When outlets of one process end differently, the process exits with the first of these that occurs.
PRECEDENCE = (
    ExitCode.BAD_ARGUMENTS,
    ExitCode.REFUSED,
    ExitCode.STORE_UNREACHABLE,
    ExitCode.DISCOVERY_FAILED,
    ExitCode.FAILED,
)
# Finish reasons of a run refused or stopped by the per-outlet lease (crawler/extensions/lease.py).
REFUSED_REASONS = frozenset({"lease_refused", "lease_lost"})
# Exception types (by name: they live in the spiders' layer) that mean "bad arguments".
BAD_ARGUMENT_ERRORS = ("SpiderArgumentError", "UsageError")
# Statuses of a discovery response that count as answered (a redirect was followed by then).
ANSWERED_BELOW = 400


@dataclass(frozen=True)
class Outcome:
    code: ExitCode
    reason: str


def _outlets(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """{outlet: {"ok": answered discovery requests, "failed": failed ones, <reason>: count}}."""
    rows: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) < 3 or parts[0] != "outlet":
            continue
        row = rows.setdefault(parts[1], {"ok": 0, "failed": 0})
        if parts[2] == "discovery_ok":
            row["ok"] += int(value)
        elif parts[2] == "discovery_failed":
            row["failed"] += int(value)
            reason = "/".join(parts[3:]) or "unknown"
            row[reason] = row.get(reason, 0) + int(value)
    return rows


def discovery_failures(stats: Mapping[str, Any]) -> dict[str, str]:
    """{outlet: why} for every outlet whose discovery requests all failed."""
    failed = {}
    for outlet, row in _outlets(stats).items():
        if row["failed"] and not row["ok"]:
            why = ", ".join(f"{n} {r}" for r, n in sorted(row.items()) if r not in ("ok", "failed"))
            failed[outlet] = f"every discovery request failed ({why})"
    return failed


def crawl_outcome(stats: Mapping[str, Any], finish_reason: str | None = None) -> Outcome:
    """The outcome of one crawl from its final stats (`crawl_error`: it could not start)."""
    if error := stats.get("crawl_error"):
        bad = str(error).split(":", 1)[0] in BAD_ARGUMENT_ERRORS
        return Outcome(ExitCode.BAD_ARGUMENTS if bad else ExitCode.FAILED, str(error))
    reason = finish_reason or stats.get("finish_reason")
    if reason is None:
        return Outcome(ExitCode.FAILED, "did not run")
    if reason in REFUSED_REASONS:
        return Outcome(ExitCode.REFUSED, f"refused by the lock ({reason})")
    if stats.get("store/failures") and not stats.get("store/reached"):
        return Outcome(ExitCode.STORE_UNREACHABLE, "the store was unreachable for the whole run")
    if failed := discovery_failures(stats):
        return Outcome(ExitCode.DISCOVERY_FAILED, "; ".join(f"{o}: {w}" for o, w in sorted(failed.items())))
    if reason != "finished" and (reason == "closespider_errorcount" or not reason.startswith("closespider_")):
        return Outcome(ExitCode.FAILED, f"finish_reason {reason}")
    if stats.get("spider_exceptions/count"):
        return Outcome(ExitCode.FAILED, f"{stats['spider_exceptions/count']} spider exceptions")
    counts = {k: stats.get(f"mongo/{k}", 0) for k in ("new", "updated", "unchanged", "spooled")}
    return Outcome(ExitCode.OK, f"{reason}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def process_exit_code(outcomes: Mapping[str, Outcome]) -> ExitCode:
    """The process's code: the first of PRECEDENCE among the crawls' outcomes, else 0."""
    codes = {o.code for o in outcomes.values()}
    return next((code for code in PRECEDENCE if code in codes), ExitCode.OK)


def summary_line(outcomes: Mapping[str, Outcome]) -> str:
    """One line naming every crawl's outcome, e.g. `exit 4: vnexpress 4 (every discovery …); dantri 0 (…)`."""
    parts = [
        f"{name} {o.code.value} {o.code.name.lower()} ({o.reason})" for name, o in sorted(outcomes.items())
    ]
    return f"exit {process_exit_code(outcomes).value}: " + "; ".join(parts)


def log_outcomes(outcomes: Mapping[str, Outcome]) -> ExitCode:
    """Log the summary line (the run's last) and return the process's exit code."""
    code = process_exit_code(outcomes)
    logger.log(logging.ERROR if code else logging.INFO, "%s", summary_line(outcomes))
    return code


class ExitCodeExtension:
    """Counts answered discovery requests (`outlet/<id>/discovery_ok`) and records each crawl's outcome
    in its stats (`exit/code`, `exit/reason`) when it closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExitCodeExtension:
        if not crawler.settings.getbool("EXIT_CODES_ENABLED"):
            raise NotConfigured("EXIT_CODES_ENABLED is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        kind, outlet = request.meta.get("vnnews_kind"), request.meta.get("vnnews_outlet")
        if kind and kind != "article" and outlet and response.status < ANSWERED_BELOW:
            self.crawler.stats.inc_value(f"outlet/{outlet}/discovery_ok")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        outcome = crawl_outcome(self.crawler.stats.get_stats(), reason)
        self.crawler.stats.set_value("exit/code", int(outcome.code))
        self.crawler.stats.set_value("exit/reason", outcome.reason)
        level = logging.ERROR if outcome.code else logging.INFO
        logger.log(level, "%s: exit %d %s (%s)", spider.name, outcome.code, outcome.code.name, outcome.reason)


def crawler_outcome(crawler: Crawler) -> Outcome:
    """The outcome of a crawl that ran in this process (one that never started has no stats)."""
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # Crawler.stats is not set: the crawl never started
        return Outcome(ExitCode.FAILED, "did not start")
    return crawl_outcome(stats)


class ExitCodeCrawl(ScrapyCrawlCommand):
    """`scrapy crawl` whose exit code is the crawl's outcome (Scrapy's own is 1 only when it could not
    start). The project's crawl command (COMMANDS_MODULE) builds on this one."""

    def _create_crawler(self, spidercls: Any) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self._vnnews_crawlers = [*getattr(self, "_vnnews_crawlers", []), crawler]
        return crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        crawlers = getattr(self, "_vnnews_crawlers", [])
        outcomes = {c.spidercls.name: crawler_outcome(c) for c in crawlers}
        if outcomes:
            code = log_outcomes(outcomes)
            self.exitcode = int(code) or self.exitcode


__all__ = [
    "ExitCode",
    "ExitCodeCrawl",
    "ExitCodeExtension",
    "Outcome",
    "crawl_outcome",
    "discovery_failures",
    "log_outcomes",
    "process_exit_code",
    "summary_line",
]
