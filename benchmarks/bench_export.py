"""Memory of `vnnews export` against loading every article first, at two store sizes, in one run.

Generates N articles (~3 KB of Vietnamese-like text each) in a store, then for each size runs, each
in a fresh process, (a) the streaming export (`vnnews export --format parquet|jsonl`: cursor batches,
Parquet row groups) and (b) the baseline a script would write without it (all documents in a list,
one pyarrow table, one write). Prints peak RSS, seconds and articles/s of each, and the baseline's
peak as a ratio of the streaming one. Flat memory shows as the streaming peak staying put while the
article count grows.

    .venv/bin/python benchmarks/bench_export.py                 # 10,000 and 40,000 articles
    .venv/bin/python benchmarks/bench_export.py --sizes 2000,8000
A SecantusDB daemon is started on a temporary folder unless MONGODB_URI (or --uri) is given.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymongo

REPO = Path(__file__).resolve().parents[1]
# Our own made-up sentence; bodies are random draws of its syllables.
TEXT = "mưa lớn kéo dài suốt đêm làm sạt lở nhiều điểm trên quốc lộ ủy ban nhân dân thành phố họp bàn"
WORDS = TEXT.split()
BODY_WORDS = 600  # ~3 KB of text: a typical article body
INSERT_BATCH = 1000

# The baseline: what exporting looks like without streaming (everything in memory, then written).
BASELINE = """
import resource, sys, time
import pyarrow as pa, pyarrow.parquet as pq, pymongo
from exporters.files import PARQUET_SCHEMA, article_row
uri, db, out = sys.argv[1:4]
started = time.perf_counter()
docs = [article_row(d) for d in pymongo.MongoClient(uri, tz_aware=True)[db].articles.find()]
pq.write_table(pa.Table.from_pylist(docs, schema=PARQUET_SCHEMA), out, compression="zstd")
print(len(docs), time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
# The streaming export, through the command itself.
STREAMING = """
import resource, sys, time
from crawler.commands.export import run
uri, db, out = sys.argv[1:4]
started = time.perf_counter()
code = run(["--uri", uri, "--database", db, "--out", out])
assert code == 0, code
print(0, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _daemon(folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("secantusd-py")
    cmd = [str(exe), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(folder)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"mongodb://127.0.0.1:{port}/?directConnection=true", proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("SecantusDB did not start")


def _article(i: int, rng: random.Random) -> dict[str, object]:
    when = datetime(2026, 7, 1, tzinfo=UTC) + timedelta(minutes=7 * i)
    url = f"https://bench.vn/tin/{i}.htm"
    return {
        "_id": url, "url": url, "fetched_url": url, "outlet": f"outlet{i % 17}", "domain": "bench.vn",
        "page_type": "article", "title": " ".join(rng.choices(WORDS, k=12)),
        "lead": " ".join(rng.choices(WORDS, k=30)), "dateline": None,
        "body": " ".join(rng.choices(WORDS, k=BODY_WORDS)), "authors": ["Tâm Hằng"], "credit": "TTXVN",
        "category": "Thời sự", "tags": ["Hà Nội", "mưa"], "images": [{"url": f"{url}.jpg", "caption": "Ảnh",
        "credit": None}], "language": "vi", "word_count": BODY_WORDS, "published_at": when,
        "published": {"displayed": None, "source": "jsonld", "precision": "minute"}, "modified_at": None,
        "fetched_at": when, "first_seen_at": when, "last_seen_at": when, "content_hash": "0" * 64,
        "body_hash": "1" * 64, "previous_content_hashes": [], "revision": 1, "duplicate_of": None,
        "story_id": f"s{i}", "extraction": {"method": "generic", "warnings": []}, "schema_version": 1,
    }  # fmt: skip


def _fill(uri: str, db: str, upto: int, have: int) -> None:
    rng = random.Random(upto)
    articles = pymongo.MongoClient(uri)[db].articles
    for start in range(have, upto, INSERT_BATCH):
        articles.insert_many([_article(i, rng) for i in range(start, min(start + INSERT_BATCH, upto))])


def _measure(script: str, uri: str, db: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one export in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, uri, db, str(out)], capture_output=True, text=True, env=env, cwd=REPO
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    _, seconds, rss_kb = done.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,40000", help="comma list of article counts")
    p.add_argument("--uri", default=os.environ.get("MONGODB_URI"))
    args = p.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    proc = None
    uri = args.uri
    if not uri:
        uri, proc = _daemon(folder / "db")
    db = f"bench_export_{os.getpid()}"
    results = []
    try:
        have = 0
        for n in sizes:
            _fill(uri, db, n, have)
            have = n
            stream_s, stream_mb = _measure(STREAMING, uri, db, folder / "stream.parquet")
            base_s, base_mb = _measure(BASELINE, uri, db, folder / "base.parquet")
            size_mb = (folder / "stream.parquet").stat().st_size / 2**20
            results.append(
                {"articles": n, "streaming_mb": round(stream_mb, 1), "baseline_mb": round(base_mb, 1),
                 "ratio": round(base_mb / stream_mb, 2), "streaming_s": round(stream_s, 1),
                 "baseline_s": round(base_s, 1), "parquet_mb": round(size_mb, 1)}
            )  # fmt: skip
            print(
                f"{n:>8} articles: streaming export peak {stream_mb:7.1f} MB RSS, {stream_s:6.1f} s "
                f"({n / stream_s:,.0f}/s); load-all baseline {base_mb:7.1f} MB, {base_s:6.1f} s; "
                f"baseline/streaming memory {base_mb / stream_mb:.2f}x; Parquet {size_mb:.1f} MB",
                flush=True,
            )
        print(json.dumps(results))
    finally:
        if not args.uri:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
        else:
            pymongo.MongoClient(uri).drop_database(db)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
