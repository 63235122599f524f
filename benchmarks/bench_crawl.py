"""Benchmark the end-to-end replay crawl: every outlet's pages, each repeated under N article URLs.

    .venv/bin/python benchmarks/bench_crawl.py --repeat 10

The replay server and a SecantusDB store run in this process; the crawl (the real spiders, the
extraction and the MongoDB pipeline) runs in a subprocess, as `vnnews demo` would. Prints wall time,
pages/s and the share of the crawl's time spent in `extract_article` (stats `extraction/seconds`); then
crawls again with STORIES_ENABLED=False, so the cost of story assignment is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.replay import ReplayServer, ReplaySite, load_corpus, repeated  # noqa: E402
from crawler.replay.corpus import shared_fixtures_dir  # noqa: E402


def _crawl(site: ReplaySite, replay_url: str, uri: str, tmp: Path, stories: bool) -> tuple[float, dict]:
    """One crawl of the whole replay into a fresh database; (wall seconds, stats per spider)."""
    out = tmp / f"stats-{stories}.json"
    command = [sys.executable, "-m", "crawler.replay.run", *site.outlets, "--replay-url", replay_url]
    command += ["-s", f"MONGODB_URI={uri}", "-s", f"MONGODB_DATABASE=bench_{int(stories)}"]
    command += ["-s", f"STORIES_ENABLED={stories}", "-s", "LOG_LEVEL=ERROR", "--out", str(out)]
    env = {**os.environ, "VNNEWS_HOME": str(tmp / f"home-{stories}"), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True)
    return time.perf_counter() - started, json.loads(out.read_text())


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
    pages = repeated(load_corpus(corpora), args.repeat)
    site = ReplaySite(pages)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(site) as replay:
        store = SecantusDBServer(storage_path=":memory:")
        store.start()
        try:
            for stories in (True, False):  # the baseline without story assignment, in the same run
                runs[stories] = _crawl(site, replay.url, store.uri, Path(tmp), stories)
        finally:
            store.stop()
    wall, stats = runs[True]
    fetched = sum(v for s in stats.values() for k, v in s.items() if k.endswith("/fetched"))
    requests = sum(s.get("downloader/response_count", 0) for s in stats.values())
    extraction = sum(s.get("extraction/seconds", 0.0) for s in stats.values())
    crawl = max(s.get("elapsed_time_seconds", 0.0) for s in stats.values())
    stored = sum(s.get("mongo/new", 0) for s in stats.values())
    linked = sum(s.get("mongo/duplicate", 0) for s in stats.values())
    base_wall, base_stats = runs[False]
    base_crawl = max(s.get("elapsed_time_seconds", 0.0) for s in base_stats.values())
    print(f"corpus: {', '.join(corpora)}; {len(pages)} article URLs ({args.repeat} per saved page)")
    print(f"article pages fetched   {fetched}; all responses (feeds, sitemaps, robots.txt too): {requests}")
    print(f"stored new              {stored} (of which {linked} linked as exact duplicates: repeated text)")
    print(f"wall time (process)     {wall:.2f} s  -> {fetched / wall:.1f} article pages/s")
    print(f"crawl time (engine)     {crawl:.2f} s  -> {fetched / crawl:.1f} article pages/s")
    print(f"extraction              {extraction:.2f} s = {100 * extraction / crawl:.0f}% of the crawl time "
          f"({1000 * extraction / max(fetched, 1):.1f} ms/page)")  # fmt: skip
    cost, ms = crawl - base_crawl, 1000 * (crawl - base_crawl) / max(fetched, 1)
    print(f"without story assignment: wall {base_wall:.2f} s, crawl {base_crawl:.2f} s -> stories cost "
          f"{cost:.2f} s of crawl time ({ms:.1f} ms/page, x{crawl / base_crawl:.2f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
