"""vnnews with every feature on against the plain Scrapy + trafilatura crawl it replaces, in one run.

    .venv/bin/python benchmarks/bench_crawl.py --repeat 30              # ~1,000 article URLs
    .venv/bin/python benchmarks/bench_crawl.py --repeat 30 --rounds 3   # alternate the two, 3 times each
    .venv/bin/python benchmarks/bench_crawl.py --sizes 1000,10000       # peak RSS as the crawl grows

Both crawls fetch the same article pages from one local replay (every saved page of the corpus, each
under `--repeat` article URLs) at the same concurrency (crawler/replay/run.py's REPLAY_SETTINGS: 32
requests, 8 per site), each in its own process, timed whole (start-up included):

- **baseline**: benchmarks/baseline/plain_spider.py, `trafilatura.bare_extraction` in the callback, a
  JSONL feed; it is handed the article URLs (it fetches no feed, sitemap or robots.txt);
- **vnnews**: the outlet spiders (`python -m crawler.replay.run`) with the project's settings as they
  ship: feeds and sitemaps, robots.txt, the extraction pool, dates, normalisation, dedup, story
  assignment, raw pages, into the embedded SecantusDB store (a server process of its own).

A third crawl, vnnews with STORIES_ENABLED=False, gives the cost of story assignment: the difference of
the wall times, as a share of vnnews's. Prints wall time, article pages/s, the ratio, peak RSS of each
crawl's process tree (extraction workers included) and of the store server.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.replay import ReplayServer, ReplaySite, load_corpus, repeated  # noqa: E402
from crawler.replay.corpus import shared_fixtures_dir  # noqa: E402
from crawler.replay.measure import TreeSampler, stop_store_servers, store_figures  # noqa: E402
from crawler.replay.middleware import replay_url_for  # noqa: E402
from crawler.replay.run import REPLAY_SETTINGS  # noqa: E402

VNNEWS = "vnnews: every feature on → SecantusDB"
VNNEWS_NO_STORIES = "vnnews, story assignment off"
CRAWL_TIMEOUT = 3600.0  # seconds: a crawl of 10,000 replayed URLs takes minutes, a hung one forever
BASELINE_SPIDER = REPO / "benchmarks" / "baseline" / "plain_spider.py"


@dataclass
class Run:
    crawl: str
    urls: int
    seconds: float
    pages: int  # article pages the crawl extracted (baseline: items written; vnnews: articles stored)
    rss_mb: float
    cpu_s: float  # CPU seconds of the crawl's process tree (the extraction workers included)
    store_rss_mb: float | None = None
    store_cpu_s: float | None = None


def _measured(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS of the process tree in MB, its CPU seconds) of one command, which must
    succeed."""
    started = time.perf_counter()
    with log.open("wb") as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(process.pid)
        sampler.start()
        try:
            code = process.wait(timeout=CRAWL_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise SystemExit(f"{command[:4]} ran past {CRAWL_TIMEOUT:.0f} s; its log: {log}") from None
    sampler.done.set()
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"{command[:4]} exited {code}:\n{log.read_text(errors='replace')[-3000:]}")
    return seconds, sampler.peak_mb, sampler.cpu_seconds


def baseline(replay_url: str, urls: list[str], tmp: Path) -> Run:
    folder = tmp / f"baseline-{len(urls)}-{time.monotonic_ns()}"
    folder.mkdir()
    listing = folder / "urls.tsv"
    listing.write_text(
        "".join(f"{replay_url_for(replay_url, u)}\t{u.split('/')[2]}\n" for u in urls), encoding="utf-8"
    )
    out = folder / "items.jsonl"
    command = [sys.executable, "-m", "scrapy", "runspider", str(BASELINE_SPIDER), "-a", f"urls={listing}"]
    command += ["-o", f"{out}:jsonl", "-s", "LOG_LEVEL=ERROR", "-s", "ROBOTSTXT_OBEY=False"]
    for key in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY"):
        command += ["-s", f"{key}={REPLAY_SETTINGS[key]}"]
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    seconds, rss, cpu = _measured(command, folder, env, folder / "log.txt")  # cwd without scrapy.cfg
    with out.open(encoding="utf-8") as fh:
        items = sum(1 for _ in fh)
    return Run("baseline: Scrapy + trafilatura → JSONL", len(urls), seconds, items, rss, cpu)


def vnnews(
    site: ReplaySite, replay_url: str, urls: int, tmp: Path, extra: list[str], stories: bool = True
) -> Run:
    home = tmp / f"vnnews-{urls}-{time.monotonic_ns()}"
    home.mkdir()
    out = home / "stats.json"
    command = [sys.executable, "-m", "crawler.replay.run", *site.outlets, "--replay-url", replay_url]
    command += ["-s", "LOG_LEVEL=INFO", "--out", str(out), *extra]  # the log stays if it fails
    if not stories:
        command += ["-s", "STORIES_ENABLED=False"]
    env = {**os.environ, "VNNEWS_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("MONGODB_URI", None)  # the embedded default store, as `vnnews crawl` uses it out of the box
    try:
        seconds, rss, cpu = _measured(command, REPO, env, home / "log.txt")
        stats: dict[str, dict[str, Any]] = json.loads(out.read_text())
        store_rss, store_cpu = store_figures(home)
    finally:
        stop_store_servers(home)  # the store outlives its crawl
    stored = sum(s.get("mongo/new", 0) for s in stats.values())
    name = VNNEWS if stories else VNNEWS_NO_STORIES
    return Run(name, urls, seconds, stored, rss, cpu, store_rss, store_cpu)


def _print(runs: list[Run], rounds: int) -> None:
    """Medians over the rounds of each crawl at each size, the ratio to the baseline, and the share of
    vnnews's wall time that story assignment costs (its wall time against the crawl without it)."""
    print(f"{'crawl':<40} {'URLs':>6} {'wall s':>8} {'pages':>6} {'pages/s':>8} {'ratio':>6} "
          f"{'RSS MB':>7} {'store MB':>8} {'CPU ms/page':>11} {'store':>6} {'cores':>5}")  # fmt: skip
    for urls in sorted({r.urls for r in runs}):
        groups: dict[str, list[Run]] = {}
        for run in runs:
            if run.urls == urls:
                groups.setdefault(run.crawl, []).append(run)
        rates = {c: statistics.median(r.pages / r.seconds for r in g) for c, g in groups.items()}
        walls = {c: statistics.median(r.seconds for r in g) for c, g in groups.items()}
        base = next((rate for c, rate in rates.items() if c.startswith("baseline")), None)
        for crawl, group in groups.items():
            rss = max(r.rss_mb for r in group)
            store = max((r.store_rss_mb for r in group if r.store_rss_mb), default=None)
            ratio = f"{rates[crawl] / base:.2f}" if base else "-"
            pages = group[0].pages or 1
            cpu = statistics.median(r.cpu_s for r in group)
            store_cpu = statistics.median(r.store_cpu_s or 0.0 for r in group)
            cores = (cpu + store_cpu) / walls[crawl]
            print(f"{crawl:<40} {urls:>6} {walls[crawl]:>8.1f} {group[0].pages:>6} {rates[crawl]:>8.1f} "
                  f"{ratio:>6} {rss:>7.0f} {f'{store:.0f}' if store else '-':>8} "
                  f"{1000 * cpu / pages:>11.1f} {1000 * store_cpu / pages:>6.1f} {cores:>5.2f}")  # fmt: skip
        on, off = (walls.get(c) for c in (VNNEWS, VNNEWS_NO_STORIES))
        if on and off:
            print(f"{'':<40} {urls:>6} story assignment: {on - off:.1f} s = {100 * (on - off) / on:.1f}% "
                  f"of vnnews's wall time")  # fmt: skip
    print(f"(medians of {rounds} round(s); RSS: the highest peak; ratio: pages/s over the baseline's;")
    print(" CPU: of the crawl's process tree and of the store server, per page; cores: their CPU / wall)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30, help="article URLs per saved page (default 30)")
    parser.add_argument(
        "--sizes", default=None, help="article URL counts, e.g. 1000,10000 (overrides --repeat)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two crawls this many times")
    parser.add_argument("--corpus", default=None, help="own,shared (default: both when ../shared exists)")
    parser.add_argument("--no-baseline", action="store_true", help="crawl with vnnews only")
    parser.add_argument("--no-stories-off", action="store_true", help="skip the crawl without stories")
    parser.add_argument("-s", dest="settings", action="append", default=[], help="a vnnews setting, K=V")
    args = parser.parse_args()
    corpora = (
        args.corpus.split(",") if args.corpus else (["own", "shared"] if shared_fixtures_dir() else ["own"])
    )
    saved = load_corpus(corpora)
    articles = sum(1 for p in saved if p.kind == "article")
    repeats = [math.ceil(int(n) / articles) for n in args.sizes.split(",")] if args.sizes else [args.repeat]
    extra = [x for kv in args.settings for x in ("-s", kv)]
    print(f"corpus: {', '.join(corpora)} ({articles} saved article pages); {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    runs: list[Run] = []
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench_crawl_"))
    try:
        for repeat in repeats:
            pages = repeated(saved, repeat)
            urls = [p.url for p in pages if p.kind == "article"]
            site = ReplaySite(pages)
            with ReplayServer(site) as replay:
                for _ in range(args.rounds):
                    if not args.no_baseline:
                        runs.append(baseline(replay.url, urls, tmp))
                    runs.append(vnnews(site, replay.url, len(urls), tmp, extra))
                    if not args.no_stories_off:
                        runs.append(vnnews(site, replay.url, len(urls), tmp, extra, stories=False))
    except BaseException:
        print(f"(the crawls' logs are kept in {tmp})")
        raise
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    _print(runs, args.rounds)
    print(f"load {os.getloadavg()[0]:.1f} at the end; {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
