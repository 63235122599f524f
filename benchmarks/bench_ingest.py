"""Benchmark `vnnews ingest`: a WARC of the replay pages, read and ingested, against crawling them.

    .venv/bin/python benchmarks/bench_ingest.py --records 10000

Builds one `.warc.gz` of the replay pages (`repeated` under other article URLs up to --records), then
in one run:
1. reads it with FastWARC and with warcio (records/s of each: why the ingest uses FastWARC);
2. ingests it with the archive spider (spiders/archive.py, all of ITEM_PIPELINES) into a fresh database;
3. crawls the same pages through the replay with the outlet spiders into another database (baseline).
Both runs are subprocesses against one SecantusDB store in memory. Prints records/s and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
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

READER_ROUNDS = 3  # reads of the WARC per reader; the best round counts (the machine is shared)


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


def run(spiders: list[str], uri: str, db: str, tmp: Path, extra: list[str]) -> tuple[float, dict[str, Any]]:
    """One `python -m crawler.replay.run` into a fresh database; (wall seconds, stats per spider)."""
    out = tmp / f"stats-{db}.json"
    command = [sys.executable, "-m", "crawler.replay.run", *spiders, *extra, "--out", str(out)]
    command += ["-s", f"MONGODB_URI={uri}", "-s", f"MONGODB_DATABASE={db}", "-s", "LOG_LEVEL=ERROR"]
    env = {**os.environ, "VNNEWS_HOME": str(tmp / f"home-{db}"), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True)
    return time.perf_counter() - started, json.loads(out.read_text())


def _total(stats: dict[str, Any], suffix: str) -> int:
    return sum(int(v) for s in stats.values() for k, v in s.items() if k.endswith(suffix))


def _engine(stats: dict[str, Any]) -> float:
    return max(s.get("elapsed_time_seconds", 0.0) for s in stats.values())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000, help="records in the WARC (default 10000)")
    parser.add_argument("--corpus", default=None, help="own,shared (default: both when ../shared exists)")
    args = parser.parse_args()
    from secantus import SecantusDBServer

    corpora = (
        args.corpus.split(",") if args.corpus else (["own", "shared"] if shared_fixtures_dir() else ["own"])
    )
    pages = build_pages(corpora, args.records)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        warc = tmp / "replay.warc.gz"
        write_warc(pages, warc)
        rates = {reader: read_rate(warc, reader) for reader in ("fastwarc", "warcio")}
        store = SecantusDBServer(storage_path=":memory:")
        store.start()
        site = ReplaySite(pages)
        try:
            ingest_wall, ingest = run(["archive"], store.uri, "bench_ingest", tmp, ["-a", f"paths={warc}"])
            with ReplayServer(site) as replay:
                crawl_wall, crawl = run(
                    site.outlets, store.uri, "bench_crawl", tmp, ["--replay-url", replay.url]
                )
        finally:
            store.stop()
    records = _total(ingest, "ingest/records")
    fetched = _total(crawl, "/fetched")
    print(f"corpus: {', '.join(corpora)}; {len(pages)} records in one .warc.gz")
    print(f"reader      fastwarc {rates['fastwarc']:.0f} records/s, warcio {rates['warcio']:.0f} records/s "
          f"(fastwarc x{rates['fastwarc'] / rates['warcio']:.1f})")  # fmt: skip
    print(f"ingest      {records} records, {_total(ingest, 'ingest/pages')} pages, stored new "
          f"{_total(ingest, 'mongo/new')} (dup {_total(ingest, 'mongo/duplicate')}); "
          f"wall {ingest_wall:.1f} s "
          f"-> {records / ingest_wall:.1f} records/s; engine {_engine(ingest):.1f} s "
          f"-> {records / _engine(ingest):.1f} records/s")  # fmt: skip
    print(f"crawl       {fetched} article pages fetched, stored new {_total(crawl, 'mongo/new')}; wall "
          f"{crawl_wall:.1f} s -> {fetched / crawl_wall:.1f} pages/s; engine {_engine(crawl):.1f} s "
          f"-> {fetched / _engine(crawl):.1f} pages/s")  # fmt: skip
    print(f"ratio       ingest/crawl: x{(records / ingest_wall) / (fetched / crawl_wall):.2f} (wall), "
          f"x{(records / _engine(ingest)) / (fetched / _engine(crawl)):.2f} (engine)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
