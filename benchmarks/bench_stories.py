"""Clusters N generated articles into stories against a MongoDB-protocol server; cost must stay flat.

Synthetic Vietnamese-like text (syllables built from onsets, rhymes and tones, Zipf-distributed),
~300 articles a day, a share of them reprints of a recent article with an outlet's edits. Articles go
through `assign_stories` in batches, as a crawl's buffer would. Prints ms per article around 10k,
50k and 100k articles, peak memory of this process and of the server, and how well reprints joined.

    .venv/bin/python benchmarks/bench_stories.py            # 100,000 articles (tens of minutes)
    .venv/bin/python benchmarks/bench_stories.py --n 5000   # a quick look
A SecantusDB daemon is started on a temporary folder unless MONGODB_URI (or --uri) is given.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymongo

from crawler.stories import StoryConfig, assign_stories, ensure_story_indexes

# fmt: off
ONSETS = [
    "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "p",
    "ph", "qu", "r", "s", "t", "th", "tr", "v", "x", "",
]
RHYMES = [
    "a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "e", "em", "en", "eo", "ê", "êm", "ên",
    "i", "ia", "im", "in", "inh", "iêu", "o", "oa", "oan", "oi", "om", "on", "ong", "ô", "ôi",
    "ông", "ơ", "ơi", "ơn", "u", "ua", "ui", "um", "un", "ung", "uơ", "ư", "ưa", "ưng", "ươi",
    "ương",
]
# fmt: on
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    import unicodedata

    words: set[str] = set()
    while len(words) < size:
        rhyme = rng.choice(RHYMES)
        word = rng.choice(ONSETS) + rhyme[0] + rng.choice(TONES) + rhyme[1:]
        words.add(unicodedata.normalize("NFC", word))
    return sorted(words)


class Generator:
    def __init__(self, seed: int, reprint_rate: float, per_day: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary(self.rng)
        # Zipf-like weights: a few syllables are very common, as in real text.
        self.weights = [1 / (i + 1) for i in range(len(self.vocab))]
        self.reprint_rate = reprint_rate
        self.per_day = per_day
        self.recent: list[tuple[int, str]] = []  # (index, body) of recent originals
        self.start = datetime(2026, 1, 1, tzinfo=UTC)

    def sentence(self) -> str:
        n = self.rng.randint(12, 28)
        words = self.rng.choices(self.vocab, self.weights, k=n)
        return " ".join(words).capitalize() + "."

    def body(self) -> str:
        return "\n".join(
            " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))
            for _ in range(self.rng.randint(5, 9))
        )

    def reprint(self, body: str) -> str:
        paras = body.split("\n")
        if len(paras) > 3 and self.rng.random() < 0.5:
            del paras[self.rng.randrange(1, len(paras))]
        if self.rng.random() < 0.5:
            paras.insert(self.rng.randrange(1, len(paras)), self.sentence())
        prefix = self.rng.choice(["(Dân trí) - ", "Hà Nội (TTXVN) - ", "TPO - ", ""])
        return prefix + "\n".join(paras) + self.rng.choice(["\nTheo TTXVN", "\nPV", ""])

    def articles(self, n: int) -> Iterator[tuple[dict[str, Any], int | None]]:
        """(article document, index of the original it reprints or None)."""
        for i in range(n):
            when = self.start + timedelta(seconds=i * 86_400 / self.per_day + self.rng.randint(0, 3600))
            source = None
            if self.recent and self.rng.random() < self.reprint_rate:
                source, original = self.rng.choice(self.recent[-200:])
                body = self.reprint(original)
            else:
                body = self.body()
                self.recent.append((i, body))
                del self.recent[:-400]
            outlet = f"outlet{self.rng.randrange(40)}"
            url = f"https://{outlet}.vn/bai-{i}.html"
            yield (
                {
                    "_id": url,
                    "url": url,
                    "outlet": outlet,
                    "title": f"Bài {i}",
                    "body": body,
                    "published_at": when,
                },
                source,
            )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    exe = Path(sys.executable).with_name("secantusd-py")
    cmd = [str(exe), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(folder)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = f"mongodb://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return uri, proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("SecantusDB did not start")


def server_peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--reprint-rate", type=float, default=0.3)
    p.add_argument("--per-day", type=int, default=300, help="articles published per day")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--uri", default=os.environ.get("MONGODB_URI"))
    args = p.parse_args(argv)

    folder = None
    proc = None
    uri = args.uri
    if not uri:
        folder = Path(tempfile.mkdtemp(prefix="bench_stories_"))
        uri, proc = start_server(folder)
    checkpoints = sorted({c for c in (10_000, 50_000, 100_000, args.n) if c <= args.n})
    config = StoryConfig(update_articles=False)  # the article store is not part of this measurement
    gen = Generator(args.seed, args.reprint_rate, args.per_day)
    try:
        with pymongo.MongoClient(uri, tz_aware=True) as client:
            db = client[f"bench_stories_{os.getpid()}"]
            ensure_story_indexes(db, config)
            story_of: dict[int, str] = {}
            reprints = joined = 0
            segment = max(args.batch, min(2000, args.n // 10))
            times: list[tuple[int, float]] = []
            done = 0
            batch: list[tuple[dict[str, Any], int | None]] = []
            t_all = time.perf_counter()
            print(
                f"server {uri}  n={args.n}  batch={args.batch}  reprints≈{args.reprint_rate:.0%}", flush=True
            )

            def flush() -> None:
                nonlocal done, reprints, joined
                t = time.perf_counter()
                results = assign_stories(db, [d for d, _ in batch], config)
                times.append((len(batch), time.perf_counter() - t))
                for (doc, source), res in zip(batch, results, strict=True):
                    i = int(doc["_id"].rsplit("-", 1)[1].split(".")[0])
                    story_of[i] = res.story_id
                    if source is not None:
                        reprints += 1
                        joined += story_of.get(source) == res.story_id
                done += len(batch)
                batch.clear()

            for item in gen.articles(args.n):
                batch.append(item)
                if len(batch) >= args.batch:
                    flush()
                    if done in checkpoints or any(done - args.batch < c <= done for c in checkpoints):
                        recent = times[-max(1, segment // args.batch) :]
                        n_recent = sum(n for n, _ in recent)
                        ms = 1000 * sum(s for _, s in recent) / n_recent
                        print(
                            f"{done:>7} articles: {ms:6.2f} ms/article over the last {n_recent}"
                            f"  (elapsed {time.perf_counter() - t_all:7.1f} s)",
                            flush=True,
                        )
            if batch:
                flush()
            total = time.perf_counter() - t_all
            stories = db.stories.estimated_document_count()
            originals = len({s for i, s in story_of.items()})
            print(f"total {total:.1f} s, {1000 * total / args.n:.2f} ms/article overall; {stories} stories")
            share = joined / max(1, reprints)
            print(f"reprints joined to their original's story: {joined}/{reprints} ({share:.1%})")
            print(f"distinct stories among results: {originals}")
            print(
                f"peak RSS client {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", end=""
            )
            if proc is not None:
                print(f", server {server_peak_rss_mb(proc.pid) or float('nan'):.0f} MB")
            else:
                print()
            if proc is None:
                client.drop_database(db.name)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
