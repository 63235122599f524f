"""Benchmark the shared frontier: 1 against 2 worker processes through Redis on the replay, one run.

    .venv/bin/python benchmarks/bench_frontier.py --repeat 10

The replay server (which counts every fetch per URL) and a SecantusDB store run in this process, a
redis-server in a subprocess (127.0.0.1, no persistence); each worker is `python -m
crawler.replay.run` with the same spiders and FRONTIER_URL, as on N machines. Each round starts
from an empty store and an empty frontier. Prints article pages/s (wall time of the whole round,
from the first worker started to the last one done, and over the longest engine time, without process
start-up), fetches per article URL (must be 1.00: no article fetched twice across workers) and the
ratio of 2 workers to 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.replay import ReplayServer, ReplaySite, load_corpus, repeated  # noqa: E402
from crawler.replay.corpus import shared_fixtures_dir  # noqa: E402
from crawler.replay.site import path_key  # noqa: E402

REDIS_START_TIMEOUT = 10.0  # seconds redis-server gets to accept connections
# A worker ends a finished article's lease this long after the store's flush interval (settings
# below), so the last worker waits little once the queue is empty.
FLUSH_INTERVAL = 1.0
ACK_DELAY = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    binary = shutil.which("redis-server") or sys.exit(
        "redis-server is not installed (apt-get install redis-server)"
    )
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + REDIS_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("redis-server did not start")


def _round(workers: int, site: ReplaySite, replay: str, uri: str, frontier: str, tmp: Path) -> dict:
    """N workers on one frontier and one fresh database; wall time, stats, fetches per article URL."""
    site.hits.clear()
    prefix = f"bench{workers}"
    settings = {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": f"bench_frontier_{workers}",
        "FRONTIER_URL": frontier,
        "FRONTIER_KEY_PREFIX": prefix,
        "FRONTIER_ACK_DELAY": ACK_DELAY,
        "MONGODB_FLUSH_INTERVAL": FLUSH_INTERVAL,
        "LOG_LEVEL": "ERROR",
    }
    procs, outs = [], []
    started = time.perf_counter()
    for n in range(workers):
        out = tmp / f"stats-{workers}-{n}.json"
        command = [sys.executable, "-m", "crawler.replay.run", *site.outlets, "--replay-url", replay]
        command += [arg for k, v in settings.items() for arg in ("-s", f"{k}={v}")] + ["--out", str(out)]
        env = {**os.environ, "VNNEWS_HOME": str(tmp / f"home-{workers}-{n}"), "PYTHONPATH": str(REPO)}
        procs.append(subprocess.Popen(command, cwd=REPO, env=env))
        outs.append(out)
    for proc in procs:
        if proc.wait() != 0:
            sys.exit(f"a worker failed (exit {proc.returncode})")
    wall = time.perf_counter() - started
    stats = [json.loads(out.read_text()) for out in outs]
    articles = {path_key(p.url) for p in site.pages.values()}
    hits = Counter({key: n for key, n in site.hits.items() if key in articles})
    fetched = [sum(v for s in w.values() for k, v in s.items() if k.endswith("/fetched")) for w in stats]
    engine = [max(s.get("elapsed_time_seconds", 0.0) for s in w.values()) for w in stats]
    # a retry (the replay too slow under load: a download timeout) is a second hit of one URL
    retries = sum(s.get("retry/count", 0) for w in stats for s in w.values())
    return {
        "wall": wall,
        "hits": hits,
        "articles": len(articles),
        "fetched_per_worker": fetched,
        "engine": engine,
        "retries": retries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10, help="URLs per saved page (default 10)")
    parser.add_argument("--corpus", default=None, help="own,shared (default: both when ../shared exists)")
    args = parser.parse_args()
    from secantus import SecantusDBServer

    corpora = (
        args.corpus.split(",") if args.corpus else (["own", "shared"] if shared_fixtures_dir() else ["own"])
    )
    site = ReplaySite(repeated(load_corpus(corpora), args.repeat))
    rounds = {}
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(site) as replay:
        redis_process, frontier = _start_redis(Path(tmp))
        store = SecantusDBServer(storage_path=":memory:")
        store.start()
        try:
            for workers in (1, 2):  # the one-worker baseline, then two, in the same run
                rounds[workers] = _round(workers, site, replay.url, store.uri, frontier, Path(tmp))
        finally:
            store.stop()
            redis_process.terminate()
            redis_process.wait()
    print(f"corpus: {', '.join(corpora)}; {rounds[1]['articles']} article URLs "
          f"({args.repeat} per saved page), {len(site.outlets)} outlets; "
          f"machine: {os.cpu_count()} cores, shared with other work")  # fmt: skip
    for workers, r in rounds.items():
        fetches = sum(r["hits"].values())
        per_url = fetches / max(len(r["hits"]), 1)
        missing = r["articles"] - len(r["hits"])
        crawl = max(r["engine"])
        print(f"{workers} worker(s): {r['wall']:.2f} s wall -> {fetches / r['wall']:.1f} article pages/s; "
              f"longest crawl (engine, no process start) {crawl:.2f} s -> {fetches / crawl:.1f} pages/s; "
              f"fetches per article URL {per_url:.2f} "
              f"(max {max(r['hits'].values())}, {missing} never fetched, {r['retries']} retries); "
              f"article pages per worker {r['fetched_per_worker']}, "
              f"engine seconds per worker {[round(e, 1) for e in r['engine']]}")  # fmt: skip
    one, two = (sum(rounds[w]["hits"].values()) / rounds[w]["wall"] for w in (1, 2))
    one_c, two_c = (sum(rounds[w]["hits"].values()) / max(rounds[w]["engine"]) for w in (1, 2))
    print(f"ratio 2 workers / 1 worker: x{two / one:.2f} pages/s (wall), x{two_c / one_c:.2f} (engine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
