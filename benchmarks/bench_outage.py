"""Benchmark a store outage: the same replay crawl with the store up and with it down, in one run.

    .venv/bin/python benchmarks/bench_outage.py --repeat 5

With the store down (MONGODB_URI at a port where nothing listens), the crawl's circuit breaker should
make the outage cost one server-selection timeout, not one per article: the target is a wall time
within 20% of the crawl with the store up. Both crawls are the real spiders in a subprocess
(`python -m crawler.replay.run`, as `vnnews demo` runs them) against the same replay, each into a
fresh home (spool) folder; the store-up crawl writes into a fresh embedded store. Prints wall time and
the crawl's own time (stats start to finish, the slowest spider), the ratio, and what the store-down
crawl spooled, how many store calls failed (`store/failures`: the check when a crawl starts and the
breaker's probes, one at a time) and how many were refused at once (`store/refused`).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.replay import ReplayServer, ReplaySite, load_corpus, repeated  # noqa: E402
from crawler.store.embedded import EmbeddedServer, stop_server  # noqa: E402

TARGET_RATIO = 1.2  # the target: store down within 20% of store up


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _crawl(outlets: list[str], replay_url: str, uri: str, home: Path) -> tuple[float, dict[str, Any]]:
    out = home / "stats.json"
    home.mkdir(parents=True)
    command = [sys.executable, "-m", "crawler.replay.run", *outlets, "--replay-url", replay_url]
    command += ["-s", f"MONGODB_URI={uri}", "-s", "LOG_LEVEL=ERROR", "--out", str(out)]
    env = {**os.environ, "VNNEWS_HOME": str(home), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)  # 5 is expected when down
    return time.perf_counter() - started, json.loads(out.read_text())


def _crawl_seconds(stats: dict[str, dict[str, Any]]) -> float:
    """Start to finish of the slowest spider, from its stats (the process's start-up left out)."""
    spans = []
    for crawl in stats.values():
        if "start_time" in crawl and "finish_time" in crawl:
            start, finish = (datetime.fromisoformat(str(crawl[k])) for k in ("start_time", "finish_time"))
            spans.append((finish - start).total_seconds())
    return max(spans, default=0.0)


def _total(stats: dict[str, dict[str, Any]], key: str) -> int:
    return sum(int(crawl.get(key, 0)) for crawl in stats.values())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="article URLs per saved page (default 5)")
    args = parser.parse_args()
    site = ReplaySite(repeated(load_corpus(["own"]), args.repeat))
    results = {}
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(site) as replay:
        store_dir = Path(tmp) / "store"
        with EmbeddedServer(store_dir, idle_seconds=5) as uri:
            results["up"] = _crawl(site.outlets, replay.url, uri, Path(tmp) / "up")
        stop_server(store_dir)
        results["down"] = _crawl(
            site.outlets, replay.url, f"mongodb://127.0.0.1:{_closed_port()}/", Path(tmp) / "down"
        )
    (up_wall, up), (down_wall, down) = results["up"], results["down"]
    print(f"replay: {len(site.pages)} article URLs, {len(site.outlets)} outlets, one crawl process each run")
    header = ("wall s", "crawl s", "stored", "spooled", "failures", "refused")
    print(f"{'store':<8}" + "".join(f"{h:>10}" for h in header))
    for name, wall, stats in (("up", up_wall, up), ("down", down_wall, down)):
        stored = (
            _total(stats, "mongo/new") + _total(stats, "mongo/updated") + _total(stats, "mongo/unchanged")
        )
        spooled, failures = _total(stats, "mongo/spooled"), _total(stats, "store/failures")
        print(
            f"{name:<8}{wall:>10.2f}{_crawl_seconds(stats):>10.2f}{stored:>10}{spooled:>10}"
            f"{failures:>10}{_total(stats, 'store/refused'):>10}"
        )
    ratio_wall = down_wall / up_wall
    ratio_crawl = _crawl_seconds(down) / max(_crawl_seconds(up), 1e-9)
    verdict = "within" if ratio_wall <= TARGET_RATIO else "over"
    print(
        f"ratio down/up: wall {ratio_wall:.2f}, crawl {ratio_crawl:.2f} ({verdict} the {TARGET_RATIO} target)"
    )
    print("(indicative: other work shares this machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
