"""Benchmark `vnnews ingest`: a WARC of the replay pages, read and ingested, against crawling them.

    .venv/bin/python benchmarks/bench_ingest.py --records 10000

Builds one `.warc.gz` of the replay pages (`repeated` under other article URLs up to --records), then
in one run:
1. reads it with FastWARC and with warcio (records/s of each: why the ingest uses FastWARC);
2. ingests it with the archive spider (spiders/archive.py, all of ITEM_PIPELINES) into a fresh store;
3. crawls the same pages through the replay with the outlet spiders into another fresh store (baseline).
Each run is a subprocess with the embedded SecantusDB store out of the box (a server process of its own,
as `vnnews ingest` and `vnnews crawl` start it). Prints records/s, the ratio, and for each run the peak
RSS of its process tree (the extraction workers included) and of its largest process (`os.wait4`), the
CPU seconds of the tree and of the store server (CPU / wall: how many cores it kept busy), and the
seconds of the two heaviest stages (extraction in the workers; story assignment, one batch at a time).

The pages are few articles repeated hundreds of times under other URLs (10,000 records: about 20
bodies, 500 copies each), so every page after the first of its body is an exact duplicate: story
assignment then searches a growing set of copies for each page, and on SecantusDB it is what bounds
both runs (docs/ingest.md, "Measured").
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastwarc.warc import ArchiveIterator as FastIterator  # noqa: E402
from warcio.archiveiterator import ArchiveIterator as WarcioIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from crawler.replay import ReplayPage, ReplayServer, ReplaySite, load_corpus, repeated  # noqa: E402
from crawler.replay.corpus import shared_fixtures_dir  # noqa: E402
from crawler.replay.measure import TreeSampler, stop_store_servers, store_figures  # noqa: E402

READER_ROUNDS = 3  # reads of the WARC per reader; the best round counts (the machine is shared)
RUN_TIMEOUT = 3 * 3600.0  # seconds one run may take before it is killed and the benchmark fails


def build_pages(corpora: list[str], records: int) -> list[ReplayPage]:
    """Article pages of the corpora, repeated under other URLs until there are `records` of them."""
    base = [p for p in load_corpus(corpora) if p.kind == "article"]
    times = 1
    pages = base
    while len(pages) < records:
        times *= 2
        pages = repeated(base, times)
    return pages[:records]


def write_warc(pages: list[ReplayPage], path: Path) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in pages:
            body = page.body()
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                page.url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)


def read_rate(path: Path, reader: str) -> float:
    """Records/s reading every record's payload, best of READER_ROUNDS."""
    best = 0.0
    for _ in range(READER_ROUNDS):
        started, count = time.perf_counter(), 0
        with path.open("rb") as fh:
            if reader == "fastwarc":
                for record in FastIterator(fh, parse_http=True):
                    record.reader.read()
                    count += 1
            else:
                for record in WarcioIterator(fh):
                    record.content_stream().read()
                    count += 1
        best = max(best, count / (time.perf_counter() - started))
    return best


@dataclass
class Run:
    """One measured subprocess: its stats and what it cost."""

    seconds: float  # wall
    stats: dict[str, dict[str, Any]]  # per spider
    tree_rss_mb: float  # peak of the resident memory summed over the process tree (sampled)
    largest_rss_mb: float  # peak of its largest single process (os.wait4)
    cpu_s: float  # CPU seconds of the process tree
    store_rss_mb: float | None  # the store server's peak (VmHWM)
    store_cpu_s: float | None

    def total(self, suffix: str) -> int:
        return sum(int(v) for s in self.stats.values() for k, v in s.items() if k.endswith(suffix))

    def seconds_of(self, key: str) -> float:
        return sum(float(s.get(key, 0.0)) for s in self.stats.values())

    @property
    def engine(self) -> float:
        return max(float(s.get("elapsed_time_seconds", 0.0)) for s in self.stats.values())

    def costs(self) -> str:
        store = (
            f"store server peak RSS {self.store_rss_mb:.0f} MB, CPU {self.store_cpu_s:.0f} s "
            f"({self.store_cpu_s / self.seconds:.2f} cores)"
            if self.store_rss_mb is not None and self.store_cpu_s is not None
            else "store server not measured"
        )
        return (
            f"process tree peak RSS {self.tree_rss_mb:.0f} MB "
            f"(largest process {self.largest_rss_mb:.0f} MB), "
            f"CPU {self.cpu_s:.0f} s ({self.cpu_s / self.seconds:.2f} cores); {store}\n"
            f"            stages: extraction {self.seconds_of('extraction/seconds'):.0f} s in the workers, "
            f"story assignment {self.seconds_of('stories/seconds'):.0f} s "
            f"in {self.total('stories/batches')} batches"
        )


def _wait(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """(exit code, peak RSS in MB of the largest process) of a child, killed past RUN_TIMEOUT."""
    timer = threading.Timer(RUN_TIMEOUT, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024


def run(spiders: list[str], name: str, tmp: Path, extra: list[str]) -> Run:
    """One `python -m crawler.replay.run` with a fresh embedded store; its stats and costs."""
    home = tmp / f"home-{name}"
    home.mkdir()
    out, log = home / "stats.json", home / "log.txt"
    command = [sys.executable, "-m", "crawler.replay.run", *spiders, *extra, "--out", str(out)]
    command += ["-s", "LOG_LEVEL=WARNING"]
    env = {**os.environ, "VNNEWS_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("MONGODB_URI", None)  # the embedded default store, as the commands use it out of the box
    started = time.perf_counter()
    try:
        with log.open("wb") as err:
            process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)
            sampler = TreeSampler(process.pid)
            sampler.start()
            code, largest = _wait(process)
            sampler.done.set()
        seconds = time.perf_counter() - started
        if code != 0:
            raise SystemExit(
                f"{' '.join(command[2:5])} exited {code}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        store_rss, store_cpu = store_figures(home)
    finally:
        stop_store_servers(home)  # the store outlives its run
    stats = json.loads(out.read_text())
    return Run(seconds, stats, sampler.peak_mb, largest, sampler.cpu_seconds, store_rss, store_cpu)


def _commit() -> str:
    """The commit measured; a copy of the tree (`git archive`, to keep it still while others work)
    names its commit in BENCH_COMMIT."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("log", "-1", "--format=%h %s")[:72] + (" (+ uncommitted changes)" if dirty else "")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000, help="records in the WARC (default 10000)")
    parser.add_argument("--corpus", default=None, help="own,shared (default: both when ../shared exists)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], help="NAME=VALUE: a setting for both runs"
    )
    parser.add_argument("--no-crawl", action="store_true", help="the ingest only (no baseline, no ratio)")
    args = parser.parse_args()
    from crawler import settings

    corpora = (
        args.corpus.split(",") if args.corpus else (["own", "shared"] if shared_fixtures_dir() else ["own"])
    )
    overrides = [x for pair in args.set for x in ("-s", pair)]
    print(f"commit      {_commit()}")
    chosen = f"ARCHIVE_MAX_IN_FLIGHT={settings.ARCHIVE_MAX_IN_FLIGHT}" + "".join(
        f", -s {x}" for x in args.set
    )
    print(f"machine     {os.cpu_count()} cores, EXTRACTION_WORKERS={settings.EXTRACTION_WORKERS}, "
          f"{chosen}; load {_load()} at the start")  # fmt: skip
    pages = build_pages(corpora, args.records)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        warc = tmp / "replay.warc.gz"
        write_warc(pages, warc)
        rates = {reader: read_rate(warc, reader) for reader in ("fastwarc", "warcio")}
        ingest = run(["archive"], "ingest", tmp, ["-a", f"paths={warc}", *overrides])
        load_between = _load()
        crawl = None
        if not args.no_crawl:
            site = ReplaySite(pages)
            with ReplayServer(site) as replay:
                crawl = run(site.outlets, "crawl", tmp, ["--replay-url", replay.url, *overrides])
    records = ingest.total("ingest/records")
    bodies = len({p.original_url or p.url for p in pages})
    print(f"corpus      {', '.join(corpora)}; {len(pages)} records in one .warc.gz, {bodies} distinct pages")
    print(f"reader      fastwarc {rates['fastwarc']:.0f} records/s, warcio {rates['warcio']:.0f} records/s "
          f"(fastwarc x{rates['fastwarc'] / rates['warcio']:.1f})")  # fmt: skip
    print(f"ingest      {records} records, {ingest.total('ingest/pages')} pages, stored new "
          f"{ingest.total('mongo/new')} (dup {ingest.total('mongo/duplicate')}); wall {ingest.seconds:.1f} s "
          f"-> {records / ingest.seconds:.1f} records/s; engine {ingest.engine:.1f} s "
          f"-> {records / ingest.engine:.1f} records/s")  # fmt: skip
    print(f"            {ingest.costs()}")
    if crawl is None:
        print(f"load        {load_between} after the ingest (1, 5, 15 min)")
        return 0
    fetched = crawl.total("/fetched")
    print(f"crawl       {fetched} article pages fetched, stored new {crawl.total('mongo/new')}; wall "
          f"{crawl.seconds:.1f} s -> {fetched / crawl.seconds:.1f} pages/s; engine {crawl.engine:.1f} s "
          f"-> {fetched / crawl.engine:.1f} pages/s")  # fmt: skip
    print(f"            {crawl.costs()}")
    print(f"ratio       ingest/crawl: x{(records / ingest.seconds) / (fetched / crawl.seconds):.2f} (wall), "
          f"x{(records / ingest.engine) / (fetched / crawl.engine):.2f} (engine)")  # fmt: skip
    print(f"load        {load_between} after the ingest, {_load()} after the crawl (1, 5, 15 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
