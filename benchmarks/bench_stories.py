"""Story assignment cost per article against a store of 10k → 200k articles, and for reprints of
stories of 1, 10 and 50 entries. Targets (figures, not timed tests): within +10 % from 10k to 200k
stored articles, and from clusters of 1 to clusters of 50.

Assigning 200,000 articles one batch at a time would take tens of minutes of CPU, so the store is
filled in bulk and only a probe is timed:

* **Filler.** Articles at ~300 a day, 30 % of them reprints of a recent one, decided a crawl batch
  (`--batch`) at a time by the module's own code (`core._shares`, `core._decide`,
  `core.index_bands`, given from memory what the two queries of a search would return) and written
  as `core.band_document` and `core.story_updates` make them: the documents `assign_stories` writes.
  Filler older than the probe's days has synthetic fingerprints (fingerprinting text costs ~4 ms an
  article): uniformly random MinHash values, as a signature of unrelated text is, and for a reprint
  the original's values with a share replaced, the shares (and body sizes) drawn from real generated
  reprint pairs (`--calibration`). The last `--tail-days` days before each probe are real text.
* **Probe.** `--probe` new articles dated over the store's last day and the next: 70 % originals,
  20 % reprints of stored stories of the last day and a half, 10 % reprints of the probe's own
  originals, timed through `assign_stories` in batches of `--batch`, then undone (index entries
  deleted, touched stories restored); `--rounds` times, the median reported. The store then grows
  to the next size and a new probe runs.
* **Clusters.** After the largest size, `--cluster-stories` stories of each size c (an original of
  real text and c-1 synthetic reprints at c outlets, within six hours) among `--cluster-days` days
  of filler, assigned in time order; the probe is one new real-text reprint of each story.

Per article: wall time, and CPU time of this process plus the server (read from /proc when the
benchmark started the server): on a shared machine the CPU figure moves less with other jobs.
Checks: probe reprints that joined their source's story, probe originals that founded their own,
every round deciding the same.

    .venv/bin/python benchmarks/bench_stories.py            # 10k, 50k, 100k, 200k (tens of minutes)
    .venv/bin/python benchmarks/bench_stories.py --quick    # a smoke test: 1k, 3k, small probes
A SecantusDB daemon is started on a temporary folder unless MONGODB_URI (or --uri) is given.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import pymongo
from pymongo import DeleteOne, ReplaceOne

from crawler.normalize import body_hash as compute_body_hash
from crawler.settings import STORIES_BATCH_SIZE
from crawler.stories import StoryConfig, assign_stories, ensure_story_indexes, fingerprint
from crawler.stories.core import (
    _decide,
    _Item,
    _prepare,
    _shares,
    band_document,
    day_bucket,
    index_bands,
    new_story_id,
    original_rank,
    story_updates,
)
from crawler.stories.fingerprint import NUM_PERM, Fingerprint, band_keys, estimated_jaccard

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
OUTLETS = 60
START = datetime(2026, 1, 1, tzinfo=UTC)


class Texts:
    """Vietnamese-like text: syllables from onsets, rhymes and tones, Zipf-distributed."""

    def __init__(self, seed: int, size: int = 4000) -> None:
        self.rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < size:
            rhyme = self.rng.choice(RHYMES)
            word = self.rng.choice(ONSETS) + rhyme[0] + self.rng.choice(TONES) + rhyme[1:]
            words.add(unicodedata.normalize("NFC", word))
        self.vocab = sorted(words)
        # A few syllables are very common, as in real text.
        self.cum = list(accumulate(1 / (i + 1) for i in range(len(self.vocab))))

    def sentence(self) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=self.rng.randint(12, 28))
        return " ".join(words).capitalize() + "."

    def body(self) -> str:
        return "\n".join(
            " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))
            for _ in range(self.rng.randint(5, 9))
        )

    def reprint(self, body: str) -> str:
        """An outlet's copy: a paragraph cut or added, its own dateline and credit line."""
        paras = body.split("\n")
        if len(paras) > 3 and self.rng.random() < 0.5:
            del paras[self.rng.randrange(1, len(paras))]
        if self.rng.random() < 0.5:
            paras.insert(self.rng.randrange(1, len(paras)), self.sentence())
        prefix = self.rng.choice(["(Dân trí) - ", "Hà Nội (TTXVN) - ", "TPO - ", ""])
        return prefix + "\n".join(paras) + self.rng.choice(["\nTheo TTXVN", "\nPV", ""])


@dataclass(frozen=True)
class Calibration:
    """Real generated reprint pairs: what synthetic fingerprints copy (similarity, sizes)."""

    pairs: list[tuple[float, bool]]  # (estimated Jaccard to the original, same body hash)
    sizes: list[tuple[int, int]]  # (shingles, syllables) of real bodies

    @classmethod
    def measure(cls, texts: Texts, n: int) -> Calibration:
        pairs: list[tuple[float, bool]] = []
        sizes: list[tuple[int, int]] = []
        for _ in range(n):
            a = texts.body()
            b = texts.reprint(a)
            fa, fb = fingerprint(a), fingerprint(b)
            pairs.append(
                (estimated_jaccard(fa.signature, fb.signature), compute_body_hash(a) == compute_body_hash(b))
            )
            sizes += [(fa.shingle_count, fa.syllable_count), (fb.shingle_count, fb.syllable_count)]
        return cls(pairs, sizes)


class Synthetic:
    """Fingerprints without text, statistically those of the generated text (see Calibration)."""

    def __init__(self, seed: int, calibration: Calibration) -> None:
        self.np = np.random.default_rng(seed)
        self.rng = random.Random(seed)
        self.cal = calibration

    def _fp(self, signature: np.ndarray) -> Fingerprint:
        shingles, syllables = self.rng.choice(self.cal.sizes)
        return Fingerprint(signature, band_keys(signature), shingles, syllables)

    def original(self) -> Fingerprint:
        return self._fp(self.np.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64).astype(np.uint32))

    def reprint(self, base: Fingerprint, min_similarity: float = 0.0) -> tuple[Fingerprint, bool]:
        """A reprint's fingerprint and whether its body hash equals the original's."""
        similarity, same = self.rng.choice([p for p in self.cal.pairs if p[0] >= min_similarity])
        if same:
            return base, True
        signature = self.np.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64).astype(np.uint32)
        keep = self.np.choice(NUM_PERM, size=round(similarity * NUM_PERM), replace=False)
        signature[keep] = base.signature[keep]
        return self._fp(signature), False


def synthetic_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Window:
    """The index entries of the last days, in memory: what the two queries of a search would return."""

    def __init__(self, config: StoryConfig) -> None:
        self.cfg = config
        self.bands: dict[int, dict[int, list[dict[str, Any]]]] = {}  # day → indexed band → entries
        self.stories: dict[int, dict[str, list[dict[str, Any]]]] = {}  # day → story → entries
        self.hashes: dict[int, dict[str, list[dict[str, Any]]]] = {}  # day → body hash → entries

    def decide(self, items: list[_Item], now: datetime) -> list[dict[str, Any]]:
        """Decide the items with the module's own code; returns their index entries, remembered."""
        w = self.cfg.window_days
        lo, hi = min(it.day for it in items) - w, max(it.day for it in items) + w
        days = [d for d in range(lo, hi + 1) if d in self.bands]
        keys = {band for it in items for band in it.fp.bands}
        found: dict[str, dict[str, Any]] = {}
        for d in days:  # `{bands: {$in: keys}, d: span}`
            for band in keys & self.bands[d].keys():
                for entry in self.bands[d][band]:
                    found.setdefault(entry["_id"], entry)
        stories = {entry["story_id"] for entry in found.values()}
        for d in days:  # `{story_id: {$in: stories}, d: span}`
            for sid in stories & self.stories[d].keys():
                for entry in self.stories[d][sid]:
                    found.setdefault(entry["_id"], entry)
        hashes = {it.body_hash for it in items}
        exact = [e for d in days for h in hashes & self.hashes[d].keys() for e in self.hashes[d][h]]
        near_by = _shares(items, list(found.values()), self.cfg)
        _decide(items, exact, near_by, self.cfg)
        index_bands(items, near_by)
        entries = [band_document(it, now) for it in items]
        for entry in entries:
            day = entry["d"]
            for band in entry["bands"]:
                self.bands.setdefault(day, {}).setdefault(band, []).append(entry)
            self.stories.setdefault(day, {}).setdefault(entry["story_id"], []).append(entry)
            self.hashes.setdefault(day, {}).setdefault(entry["body_hash"], []).append(entry)
        for d in [d for d in self.stories if d < lo - 2 * w]:
            self.bands.pop(d, None)
            del self.stories[d], self.hashes[d]
        return entries


def item(i: int, key: str, outlet: str, when: datetime, fp: Fingerprint, body_hash: str) -> _Item:
    """A synthetic article as `core._prepare` would have made it from a document."""
    return _Item(
        key=key,
        outlet=outlet,
        title=f"Bài {i}",
        when=when,
        day=day_bucket(when),
        rank=original_rank(outlet, None),
        body_hash=body_hash,
        fp=fp,
    )


def doc(i: int, outlet: str, when: datetime, body: str) -> dict[str, Any]:
    url = f"https://{outlet}.vn/bai-{i}.html"
    return {"_id": url, "url": url, "outlet": outlet, "title": f"Bài {i}", "body": body, "published_at": when}


class Store:
    """Fills the store the way assignment leaves it, and times and undoes probes."""

    def __init__(self, daemon: Daemon, args: argparse.Namespace, config: StoryConfig) -> None:
        self.daemon, self.args, self.cfg = daemon, args, config
        self.db = daemon.database()
        self.texts = Texts(args.seed)
        self.synth = Synthetic(args.seed, Calibration.measure(Texts(args.seed + 1), args.calibration))
        self.rng = random.Random(args.seed + 2)
        self.window = Window(config)
        self.count = 0  # stored articles
        self.serial = 0  # article numbers, never reused (URLs of undone probes included)
        self.clock = START  # publication time of the next stored filler article
        self.pending: list[_Item] = []
        self.story_of: dict[str, str] = {}  # article key → story, for the real-text tail
        self.fps: dict[str, Fingerprint] = {}  # synthetic originals still reprinted
        self.recent: list[str] = []  # keys of recent originals (filler reprints copy these)
        self.bodies: dict[str, tuple[datetime, str]] = {}  # key → (published, body): real-text originals

    def next_key(self, outlet: str) -> tuple[int, str]:
        self.serial += 1
        return self.serial, f"https://{outlet}.vn/bai-{self.serial}.html"

    # -- filling -----------------------------------------------------------------------------------

    def _tick(self) -> datetime:
        when = self.clock + timedelta(seconds=self.rng.randint(0, 3600))
        self.clock += timedelta(seconds=86_400 / self.args.per_day)
        return when

    def add(self, it: _Item) -> None:
        """Queued, then decided and written a batch at a time, as the crawl's batches are."""
        self.pending.append(it)
        if len(self.pending) >= self.args.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch = sorted(self.pending, key=lambda it: (it.when, it.key))
        self.pending = []
        now = batch[-1].when + timedelta(minutes=10)  # indexed shortly after publication
        # insert_many writes the document the flow's insert-if-absent upsert would have written.
        self.db[self.cfg.bands_collection].insert_many(self.window.decide(batch, now), ordered=False)
        self.db[self.cfg.stories_collection].bulk_write(story_updates(batch, now), ordered=False)
        for it in batch:
            if it.key in self.bodies:
                self.story_of[it.key] = it.story_id
        self.count += len(batch)

    def synthetic(self, n: int) -> list[_Item]:
        """The next `n` filler articles, without text."""
        out = []
        for _ in range(n):
            when = self._tick()
            outlet = f"outlet{self.rng.randrange(OUTLETS)}"
            i, key = self.next_key(outlet)
            if self.recent and self.rng.random() < self.args.reprint_rate:
                source = self.rng.choice(self.recent[-200:])
                fp, same = self.synth.reprint(self.fps[source])
                bh = synthetic_hash(source) if same else synthetic_hash(key)
            else:
                fp, bh = self.synth.original(), synthetic_hash(key)
                self.fps[key] = fp
                self.recent.append(key)
                if len(self.recent) > 400:
                    self.fps.pop(self.recent.pop(0), None)
            out.append(item(i, key, outlet, when, fp, bh))
        return out

    def fill_synthetic(self, n: int) -> None:
        for at in range(0, n, RESTART_EVERY):
            for it in self.synthetic(min(RESTART_EVERY, n - at)):
                self.add(it)
            self.flush()
            if n - at > RESTART_EVERY:
                self.db = self.daemon.restart()

    def fill_text(self, n: int) -> None:
        """Real text: the days the probe reprints from."""
        self.recent, self.fps = [], {}
        self.bodies, self.story_of = {}, {}
        for _ in range(n):
            when = self._tick()
            outlet = f"outlet{self.rng.randrange(OUTLETS)}"
            i, key = self.next_key(outlet)
            if self.recent and self.rng.random() < self.args.reprint_rate:
                body = self.texts.reprint(self.bodies[self.rng.choice(self.recent[-200:])][1])
            else:
                body = self.texts.body()
                self.recent.append(key)
                self.bodies[key] = (when, body)
            self.add(_prepare(doc(i, outlet, when, body), when))
        self.flush()
        self.recent, self.fps = [], {}

    def fill_to(self, size: int) -> float:
        t = time.perf_counter()
        tail = min(size - self.count, self.args.tail_days * self.args.per_day)
        self.fill_synthetic(size - self.count - tail)
        self.fill_text(tail)
        return time.perf_counter() - t

    # -- probes ------------------------------------------------------------------------------------

    def mixed_probe(self, n: int) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
        """New articles over the store's last day and the next: originals and reprints (stored or not).

        Returns the documents and, for each reprint, its source's key."""
        end = self.clock
        stored = [k for k, (when, _) in self.bodies.items() if when >= end - timedelta(hours=36)]
        times = sorted(
            end - timedelta(days=1) + timedelta(seconds=self.rng.uniform(0, 2 * 86_400)) for _ in range(n)
        )
        docs: list[dict[str, Any]] = []
        source_of: dict[str, str | None] = {}
        own: list[tuple[str, str]] = []
        for when in times:
            outlet = f"outlet{self.rng.randrange(OUTLETS)}"
            i, key = self.next_key(outlet)
            roll = self.rng.random()
            source = None
            if roll < 0.2 and stored:
                source = self.rng.choice(stored)
                body = self.texts.reprint(self.bodies[source][1])
            elif roll < 0.3 and own:
                source, original = self.rng.choice(own[-200:])
                body = self.texts.reprint(original)
            else:
                body = self.texts.body()
                own.append((key, body))
            docs.append(doc(i, outlet, when, body))
            source_of[key] = source
        return docs, source_of

    def add_clusters(
        self, sizes: Sequence[int], stories: int, days: int
    ) -> dict[int, list[tuple[str, datetime]]]:
        """Stories of each size among `days` days of filler, all assigned in time order, a batch at a
        time; returns size → [(original, last member's time)]."""
        start = self.clock
        items = self.synthetic(days * self.args.per_day)
        made: dict[int, list[tuple[str, datetime]]] = {c: [] for c in sizes}
        self.story_of, self.bodies = {}, {}
        for s in range(stories):
            base = start + timedelta(days=days * s / stories)
            for c in sizes:
                outlets = self.rng.sample(range(OUTLETS), c)
                when = base + timedelta(seconds=self.rng.randint(0, 3600))
                i, key = self.next_key(f"outlet{outlets[0]}")
                body = self.texts.body()
                self.bodies[key] = (when, body)
                original = _prepare(doc(i, f"outlet{outlets[0]}", when, body), when)
                items.append(original)
                last = when
                for o in outlets[1:]:
                    at = when + timedelta(seconds=self.rng.randint(60, 6 * 3600))
                    ri, rkey = self.next_key(f"outlet{o}")
                    fp, same = self.synth.reprint(original.fp, min_similarity=0.5)
                    bh = (original.body_hash or "") if same else synthetic_hash(rkey)
                    items.append(item(ri, rkey, f"outlet{o}", at, fp, bh))
                    last = max(last, at)
                made[c].append((key, last))
        for it in sorted(items, key=lambda it: (it.when, it.key)):
            self.add(it)
        self.flush()
        return made

    def cluster_probe(
        self, stories: list[tuple[str, datetime]]
    ) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
        docs: list[dict[str, Any]] = []
        source_of: dict[str, str | None] = {}
        for source, last in stories:
            outlet = f"outlet{self.rng.randrange(OUTLETS)}"
            i, key = self.next_key(outlet)
            docs.append(doc(i, outlet, last + timedelta(hours=1), self.texts.reprint(self.bodies[source][1])))
            source_of[key] = source
        docs.sort(key=lambda d: d["published_at"])
        return docs, source_of

    def members(self, story_ids: Iterable[str]) -> list[int]:
        found = self.db[self.cfg.stories_collection].find(
            {"_id": {"$in": sorted(set(story_ids))}}, {"articles": 1}
        )
        return [len(s["articles"]) for s in found]

    def run_probe(self, docs: list[dict[str, Any]], source_of: dict[str, str | None]) -> ProbeResult:
        self.db = self.daemon.restart()
        bands = self.db[self.cfg.bands_collection]
        stories = self.db[self.cfg.stories_collection]
        merges = self.db[self.cfg.merges_collection]
        keys = [d["_id"] for d in docs]
        touched = sorted({self.story_of[s] for s in source_of.values() if s in self.story_of})
        snapshot = {s["_id"]: s for s in stories.find({"_id": {"$in": touched}})}
        new_ids = {new_story_id(k) for k in keys}
        merges_before = merges.count_documents({})
        rounds: list[float] = []
        cpu: list[float] = []
        decisions: list[list[tuple[str, str]]] = []
        unexpected = 0
        for _ in range(self.args.rounds):
            elapsed = used = 0.0
            results = []
            for at in range(0, len(docs), self.args.batch):
                t, c = time.perf_counter(), time.process_time() + self.daemon.cpu()
                results += assign_stories(self.db, docs[at : at + self.args.batch], self.cfg)
                elapsed += time.perf_counter() - t
                used += time.process_time() + self.daemon.cpu() - c
            rounds.append(1000 * elapsed / len(docs))
            cpu.append(1000 * used / len(docs))
            decisions.append([(r.story_id, r.kind) for r in results])
            # Undo: the store is as before the probe, so every round (and the next size) starts alike.
            for at in range(0, len(keys), 100):  # small deletes: see Daemon
                bands.delete_many({"_id": {"$in": keys[at : at + 100]}})
            ops: list[Any] = []
            for sid in sorted({r.story_id for r in results}):
                if sid in snapshot:
                    ops.append(ReplaceOne({"_id": sid}, snapshot[sid]))
                elif sid in new_ids:
                    ops.append(DeleteOne({"_id": sid}))
                else:
                    unexpected += 1
            if ops:
                stories.bulk_write(ops, ordered=False)
            merges.delete_many({"_id": {"$in": sorted(new_ids)}})
        first = decisions[0]
        story = {k: sid for k, (sid, _) in zip(keys, first, strict=True)}
        reprints = [k for k in keys if source_of[k] is not None]
        joined = sum(
            story[k] == (self.story_of.get(source_of[k] or "") or story.get(source_of[k] or ""))
            for k in reprints
        )
        originals = [k for k in keys if source_of[k] is None]
        founded = sum(story[k] == new_story_id(k) for k in originals)
        return ProbeResult(
            rounds=rounds,
            cpu=cpu,
            reprints=len(reprints),
            joined=joined,
            originals=len(originals),
            founded=founded,
            stable=all(d == first for d in decisions),
            unexpected=unexpected,
            merges=merges.count_documents({}) - merges_before,
        )


@dataclass(frozen=True)
class ProbeResult:
    rounds: list[float]  # ms per article, one per round
    cpu: list[float]  # CPU ms per article (this process and the server), one per round
    reprints: int
    joined: int
    originals: int
    founded: int
    stable: bool  # every round decided the same
    unexpected: int  # stories outside the probe's own and its sources' that it touched
    merges: int

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def checks(self) -> str:
        text = f"reprints joined {self.joined}/{self.reprints}"
        if self.originals:
            text += f", originals new {self.founded}/{self.originals}"
        text += ", rounds agree" if self.stable else ", ROUNDS DISAGREE"
        if self.unexpected or self.merges:
            text += f", UNEXPECTED stories touched {self.unexpected}, merges {self.merges}"
        return text


# -- the server and the report -------------------------------------------------------------------


# The fill writes in minutes what a crawl writes in months. With SecantusDB's default oplog (pruned
# past 100,000 entries or one hour) every write then prunes the oldest entries.
OPLOG_KEPT = ["--oplog-max-entries", "1000000000", "--oplog-retention-seconds", "1000000000"]
RESTART_EVERY = 25_000  # filler articles between restarts of the daemon (see Daemon)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    """The server the benchmark talks to: a SecantusDB daemon of its own, or `--uri`'s.

    Its own is restarted on the same folder every RESTART_EVERY filler articles and before each
    probe. Twice a run stopped in a probe's undo at 50k stored articles, every request waiting on the
    daemon's delete (in WiredTiger, under the oplog's prune) for over 15 minutes; a restart starts
    from a checkpoint with no session held, and the undo deletes 100 entries at a time.
    """

    def __init__(self, uri: str | None, name: str) -> None:
        self.name = name
        self.folder = None if uri else Path(tempfile.mkdtemp(prefix="bench_stories_"))
        self.proc: subprocess.Popen[bytes] | None = None
        self.peak_mb = 0.0
        self.uri = uri or self._start()
        self.client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(self.uri, tz_aware=True)

    def _start(self) -> str:
        assert self.folder is not None
        port = _free_port()
        exe = Path(sys.executable).with_name("secantusd-py")
        cmd = [str(exe), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(self.folder)]
        self.proc = subprocess.Popen(
            [*cmd, *OPLOG_KEPT], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return f"mongodb://127.0.0.1:{port}/"
            except OSError:
                time.sleep(0.1)
        self.proc.terminate()
        raise SystemExit("SecantusDB did not start")

    def database(self) -> Any:
        return self.client[self.name]

    def restart(self) -> Any:
        if self.proc is None:
            return self.database()
        self.client.close()
        self.stop()
        self.uri = self._start()
        self.client = pymongo.MongoClient(self.uri, tz_aware=True)
        return self.database()

    def stop(self) -> None:
        if self.proc is not None:
            self.peak_mb = max(self.peak_mb, _status_mb(self.proc.pid, "VmHWM"))
            self.proc.terminate()
            self.proc.wait(timeout=300)

    def close(self) -> None:
        self.client.close()
        if self.proc is None:
            return
        self.stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def cpu(self) -> float:
        """CPU seconds the server has used (user + system), 0 when it is not ours to read."""
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss(self) -> str:
        if self.proc is None:
            return "-"
        return f"{max(self.peak_mb, _status_mb(self.proc.pid, 'VmHWM')):.0f}"


def _status_mb(pid: int | str, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def memory(daemon: Daemon) -> str:
    """Peak RSS so far of this process and of the server (VmHWM, the highest of its restarts)."""
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}/{daemon.peak_rss()}"


def fingerprint_ms(docs: list[dict[str, Any]]) -> float:
    t = time.perf_counter()
    for d in docs:
        fingerprint(d["body"])
    return 1000 * (time.perf_counter() - t) / len(docs)


def cells(res: ProbeResult, first: ProbeResult) -> str:
    """Wall ms per article (each round, median, ratio to the first row), then CPU ms (median, ratio)."""
    rounds = " ".join(f"{x:.1f}" for x in res.rounds)
    cpu = "-" if not any(res.cpu) else f"{res.cpu_median:.2f} | {res.cpu_median / first.cpu_median:.3f}"
    return f"{rounds} | {res.median:.2f} | {res.median / first.median:.3f} | {cpu}"


def verdict(label: str, res: ProbeResult, first: ProbeResult, limit: float = 1.10) -> str:
    def one(ratio: float) -> str:
        return f"{ratio:.3f} ({'met' if ratio <= limit else 'NOT met'})"

    text = f"{label}: wall {one(res.median / first.median)}"
    if any(res.cpu):
        text += f", CPU {one(res.cpu_median / first.cpu_median)}"
    return text + f"; target ≤ {limit:.2f}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 200_000])
    p.add_argument("--probe", type=int, default=2000, help="new articles timed at each size")
    p.add_argument("--rounds", type=int, default=3, help="times each probe runs (median reported)")
    p.add_argument("--clusters", type=int, nargs="+", default=[1, 10, 50], help="members of a stored story")
    p.add_argument("--cluster-stories", type=int, default=100, help="stories of each cluster size")
    p.add_argument("--cluster-days", type=int, default=10, help="days of filler the clusters are spread on")
    p.add_argument("--batch", type=int, default=STORIES_BATCH_SIZE, help="articles per assign_stories call")
    p.add_argument("--reprint-rate", type=float, default=0.3, help="share of filler that reprints")
    p.add_argument("--per-day", type=int, default=300, help="articles published per day")
    p.add_argument("--tail-days", type=int, default=4, help="days of real text before each probe")
    p.add_argument("--calibration", type=int, default=200, help="real reprint pairs synthetic ones copy")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--uri", default=os.environ.get("MONGODB_URI"))
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: sizes 1k and 3k, probes of 200 and 8 stories, 1 day of text",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.probe, args.cluster_stories, args.cluster_days = [1000, 3000], 200, 8, 1
        args.tail_days, args.calibration = 1, 40
    args.sizes = sorted(args.sizes)

    t_all = time.perf_counter()
    config = StoryConfig(update_articles=False)  # the article store is not part of this measurement
    daemon = Daemon(args.uri, f"bench_stories_{os.getpid()}")
    try:
        ensure_story_indexes(daemon.database(), config)
        store = Store(daemon, args, config)
        print(
            f"server {daemon.uri}; {args.per_day}/day, filler {args.reprint_rate:.0%} reprints, "
            f"probe {args.probe} (70% originals, 20% reprints of stored stories, 10% of the probe's), "
            f"batch {args.batch}, {args.rounds} rounds, window ±{config.window_days} days; load {load()}",
            flush=True,
        )
        print(
            "\n| stored | fill s | ms/article, each round | median | ×first | CPU ms/article | ×first "
            "| fingerprint ms | checks | peak RSS MB client/server |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        by_size: dict[int, ProbeResult] = {}
        for size in args.sizes:
            fill = store.fill_to(size)
            docs, source_of = store.mixed_probe(args.probe)
            res = by_size[size] = store.run_probe(docs, source_of)
            print(
                f"| {store.count:,} | {fill:.0f} | {cells(res, by_size[args.sizes[0]])} "
                f"| {fingerprint_ms(docs[:200]):.1f} | {res.checks()} | {memory(daemon)} |",
                flush=True,
            )
        t = time.perf_counter()
        made = store.add_clusters(args.clusters, args.cluster_stories, args.cluster_days)
        print(
            f"\nclusters: {args.cluster_stories} stories of each size among {args.cluster_days} days "
            f"of filler ({time.perf_counter() - t:.0f} s), store now {store.count:,}; "
            "probe: one new reprint of each story"
        )
        print(
            "\n| members | stored min/mean/max | ms/article, each round | median | ×first "
            "| CPU ms/article | ×first | checks |"
        )
        print("|---|---|---|---|---|---|---|---|")
        by_cluster: dict[int, ProbeResult] = {}
        for c in args.clusters:
            sizes = store.members(store.story_of[k] for k, _ in made[c])
            docs, source_of = store.cluster_probe(made[c])
            res = by_cluster[c] = store.run_probe(docs, source_of)
            print(
                f"| {c} | {min(sizes)}/{statistics.mean(sizes):.1f}/{max(sizes)} "
                f"| {cells(res, by_cluster[args.clusters[0]])} | {res.checks()} |",
                flush=True,
            )
        lo, hi = args.sizes[0], args.sizes[-1]
        c0, c1 = args.clusters[0], args.clusters[-1]
        print()
        print(verdict(f"store {hi:,} vs {lo:,}", by_size[hi], by_size[lo]))
        print(verdict(f"cluster of {c1} vs {c0}", by_cluster[c1], by_cluster[c0]))
        print(
            f"peak RSS client/server {memory(daemon)} MB; load {load()}; "
            f"total {time.perf_counter() - t_all:.0f} s"
        )
        if daemon.proc is None:
            daemon.client.drop_database(daemon.name)
    finally:
        daemon.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
