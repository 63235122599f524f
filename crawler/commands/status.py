"""`vnnews status`: per-outlet health from the run records and the articles; non-zero when unhealthy.

One row per outlet: the last successful run, the last run's state (a run whose heartbeat stopped is
`unfinished`: killed; runs refused by the lease are skipped), articles published in the last 24 h
and 7 days against the outlet's usual rate (the median daily count of the STATUS_USUAL_DAYS before),
discovery failures, and the extraction warning and rule-miss rates of the last finished run. An
outlet is unhealthy, with the reason, when its discovery fails (feed moved), its rule-miss rate passes
STATUS_RULE_MISS_RATE (layout changed), its volume falls below STATUS_LOW_RATE of the usual, its last
run is unfinished, or it has had no successful run for STATUS_STALE_HOURS. Exit 0 when every outlet
is healthy, 1 otherwise (2: bad arguments, 5: store unreachable).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import PyMongoError

from crawler.commands.common import add_store_arguments, open_store, print_table
from crawler.outlets import OUTLETS
from crawler.replay.run import project_settings
from crawler.store.connection import redact_uri

EXIT_UNHEALTHY = 1
EXIT_STORE_UNREACHABLE = 5
DAY = timedelta(days=1)
# Runs of one outlet read to find its last run and last success: a few days of hourly crawls.
RECENT_RUNS = 200


@dataclass(frozen=True)
class Thresholds:
    """What counts as unhealthy (crawler/settings.py, STATUS_* and RUNS_STALE_AFTER)."""

    usual_days: int
    low_rate: float
    min_usual: float
    rule_miss_rate: float
    min_pages: int
    stale_hours: float
    heartbeat_stale: float

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        return cls(
            usual_days=settings.getint("STATUS_USUAL_DAYS"),
            low_rate=settings.getfloat("STATUS_LOW_RATE"),
            min_usual=settings.getfloat("STATUS_MIN_USUAL"),
            rule_miss_rate=settings.getfloat("STATUS_RULE_MISS_RATE"),
            min_pages=settings.getint("STATUS_MIN_PAGES"),
            stale_hours=settings.getfloat("STATUS_STALE_HOURS"),
            heartbeat_stale=settings.getfloat("RUNS_STALE_AFTER"),
        )


@dataclass
class OutletHealth:
    outlet: str
    last_success: datetime | None = None
    last_run: str = "never"  # finished, failed, refused, running, unfinished, never
    last_run_at: datetime | None = None
    articles_24h: int = 0
    articles_7d: int = 0
    usual_per_day: float = 0.0
    discovery_failed: int = 0
    failing_sources: list[str] = field(default_factory=list)
    warning_rate: float | None = None
    rule_miss_rate: float | None = None
    rule_miss_field: str | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.reasons


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def run_state(run: Mapping[str, Any], now: datetime, heartbeat_stale: float) -> str:
    """A run's status, with `running` whose heartbeat stopped reported as `unfinished`."""
    status = str(run.get("status", "unknown"))
    beat = _utc(run.get("heartbeat_at")) or _utc(run.get("started_at"))
    if status == "running" and (beat is None or (now - beat).total_seconds() > heartbeat_stale):
        return "unfinished"
    return status


def usual_rate(db: Database[Any], outlet: str, now: datetime, days: int) -> float:
    """The median number of articles a day published in the `days` days before the last 24 h."""
    end = now - DAY
    start = end - days * DAY
    counts = [0] * days
    cursor = db.articles.find(
        {"outlet": outlet, "published_at": {"$gte": start, "$lt": end}}, {"_id": 0, "published_at": 1}
    )
    for doc in cursor:
        when = _utc(doc["published_at"])
        if when is not None:
            counts[min(int((when - start) / DAY), days - 1)] += 1
    return float(statistics.median(counts)) if counts else 0.0


def _rates(health: OutletHealth, row: Mapping[str, Any], min_pages: int) -> None:
    """Warning and rule-miss rates of one run's counts for the outlet; None (not judged) when the run
    fetched fewer than `min_pages` pages, where one odd page would be a rate of 50% or 100%."""
    articles, fetched = int(row.get("articles", 0)), int(row.get("fetched", 0))
    if fetched < max(min_pages, 1):
        return
    if articles:
        health.warning_rate = int(row.get("articles_with_warnings", 0)) / articles
    misses = dict(row.get("rule_miss") or {})
    if misses:
        name, count = max(misses.items(), key=lambda kv: kv[1])
        health.rule_miss_rate, health.rule_miss_field = count / fetched, name
    else:
        health.rule_miss_rate = 0.0


def outlet_health(db: Database[Any], outlet: str, now: datetime, limits: Thresholds) -> OutletHealth:
    health = OutletHealth(outlet)
    # A refused run did nothing (another crawl held the outlet): it says nothing about the outlet.
    query = {"outlets": outlet, "status": {"$ne": "refused"}}
    runs = list(db.crawl_runs.find(query).sort("started_at", -1).limit(RECENT_RUNS))
    if runs:
        health.last_run = run_state(runs[0], now, limits.heartbeat_stale)
        health.last_run_at = _utc(runs[0].get("started_at"))
    success = next((r for r in runs if r.get("status") == "finished"), None)
    if success is not None:
        health.last_success = _utc(success.get("ended_at"))
        row = (success.get("per_outlet") or {}).get(outlet, {})
        health.discovery_failed = sum(int(v) for v in (row.get("discovery_failed") or {}).values())
        health.failing_sources = sorted(
            f"{f.get('kind')} {f.get('url')} (HTTP {f.get('status')})"
            for f in success.get("discovery_failures") or []
            if f.get("outlet") == outlet
        )
        _rates(health, row, limits.min_pages)
    published = {"outlet": outlet, "published_at": {"$gte": now - 7 * DAY, "$lte": now}}
    health.articles_7d = db.articles.count_documents(published)
    health.articles_24h = db.articles.count_documents(
        published | {"published_at": {"$gte": now - DAY, "$lte": now}}
    )
    health.usual_per_day = usual_rate(db, outlet, now, limits.usual_days)
    health.reasons = reasons(health, runs, now, limits)
    return health


def reasons(health: OutletHealth, runs: list[Any], now: datetime, limits: Thresholds) -> list[str]:
    """Why an outlet is unhealthy (empty: healthy). An outlet never crawled has no reason of its own."""
    if not runs:
        return []
    found: list[str] = []
    if health.last_run == "unfinished":
        found.append("last run unfinished: its heartbeat stopped (killed?)")
    if health.last_success is None or now - health.last_success > timedelta(hours=limits.stale_hours):
        found.append(f"no successful run in {limits.stale_hours:g} h")
    if health.discovery_failed:
        where = "; ".join(health.failing_sources) or "see the run's per_outlet.discovery_failed"
        found.append(f"feed moved? discovery failing ({health.discovery_failed} requests: {where})")
    if health.rule_miss_rate is not None and health.rule_miss_rate > limits.rule_miss_rate:
        found.append(
            f"layout changed? rule misses on {health.rule_miss_rate:.0%} of pages ({health.rule_miss_field})"
        )
    usual = health.usual_per_day
    if usual >= limits.min_usual and health.articles_24h < limits.low_rate * usual:
        found.append(f"volume low: {health.articles_24h} articles in 24 h against a usual {usual:g}/day")
    return found


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    hours = (now - value).total_seconds() / 3600
    return f"{hours:.0f} h ago" if hours >= 1 else f"{hours * 60:.0f} min ago"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def print_health(rows: list[OutletHealth], now: datetime) -> None:
    table = {
        h.outlet: {
            "last ok": _when(h.last_success, now),
            "last run": h.last_run,
            "24h": h.articles_24h,
            "7d": h.articles_7d,
            "usual/day": h.usual_per_day,
            "disc. failed": h.discovery_failed,
            "warnings": _percent(h.warning_rate),
            "rule miss": _percent(h.rule_miss_rate),
            "health": "ok" if h.healthy else "UNHEALTHY",
        }
        for h in rows
    }
    columns = [
        "last ok",
        "last run",
        "24h",
        "7d",
        "usual/day",
        "disc. failed",
        "warnings",
        "rule miss",
        "health",
    ]
    print_table(columns, table, total=False)
    for h in rows:
        for reason in h.reasons:
            print(f"{h.outlet}: {reason}")


def _json(rows: list[OutletHealth]) -> str:
    docs = [asdict(h) | {"healthy": h.healthy} for h in rows]
    return json.dumps(docs, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v), indent=1)


def run(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="vnnews status", description=__doc__)
    p.add_argument("outlets", nargs="*", metavar="OUTLET", help="default: every outlet")
    p.add_argument("--json", action="store_true", help="one JSON object per outlet, for monitoring")
    p.add_argument(
        "--stale-after", type=float, help="seconds without heartbeat: unfinished (RUNS_STALE_AFTER)"
    )
    add_store_arguments(p)
    args = p.parse_args(list(argv or []))
    unknown = sorted(set(args.outlets) - set(OUTLETS))
    if unknown:
        print(f"vnnews status: unknown outlets {unknown}", file=sys.stderr)
        return 2
    settings = project_settings({"RUNS_STALE_AFTER": args.stale_after} if args.stale_after else None)
    limits = Thresholds.from_settings(settings)
    now = datetime.now(UTC)
    try:
        with open_store(args.uri, args.database) as store:
            rows = [outlet_health(store.db, o, now, limits) for o in (args.outlets or sorted(OUTLETS))]
    except PyMongoError as exc:
        print(f"vnnews status: the store is unreachable: {redact_uri(str(exc))}", file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
    for h in rows:
        if args.outlets and h.last_run == "never":
            h.reasons.append("never crawled")
    if args.json:
        print(_json(rows))
    else:
        print_health(rows, now)
    return 0 if all(h.healthy for h in rows) else EXIT_UNHEALTHY


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
