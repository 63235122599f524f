"""The fault table's harness: real crawls (`python -m crawler.replay.run` in a subprocess) against a
replay on 127.0.0.1 and a SecantusDB daemon, with each crawl's peak RSS and the store's counts.

Each scenario records its figures in `fault_figures` (documents, lost, duplicated, peak RSS); they
are printed at the end of the session (`-s` or the terminal summary) for docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymongo
import pytest

from crawler.replay.measure import MIB, TreeSampler
from tests.conftest import REPO_ROOT

FIGURES: dict[str, dict[str, Any]] = {}  # scenario → figures, for the summary at the end
CRAWL_TIMEOUT = 240.0  # seconds: a crawl that takes longer hangs (the replay answers in milliseconds)
POLL = 0.05  # seconds between two looks at a running crawl or the store
# A replay crawl slowed down to a few pages a second, so a test can act while it runs (kill it, stop
# the store): one request at a time per outlet with a pause, and writes flushed in small batches.
SLOW = {
    "DOWNLOAD_DELAY": 0.1,
    "DOWNLOAD_DELAY_JITTER": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "MONGODB_BUFFER_SIZE": 5,
    "MONGODB_FLUSH_INTERVAL": 0.5,
    "MONGODB_SERVER_TIMEOUT_MS": 1000,
    "MONGODB_RETRY_AFTER": 1.0,
}

# A lease a crawl that could not release it (killed, or the store down at its end) holds 3 s, not 120.
QUICK_LEASE = {"LEASE_TTL": 3, "LEASE_RENEW_INTERVAL": 1}


@dataclass
class Crawl:
    """A crawl subprocess: its exit code, final stats, stderr (the log) and peak memory once it ended:
    `peak_rss_mb`, the largest process (os.wait4), and `tree_rss_mb`, the whole tree (sampled)."""

    process: subprocess.Popen[bytes]
    out: Path
    log: Path
    started: float = field(default_factory=time.monotonic)
    code: int | None = None
    peak_rss_mb: float = 0.0
    tree_rss_mb: float = 0.0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.sampler = TreeSampler(self.process.pid)
        self.sampler.start()

    def wait(self, timeout: float = CRAWL_TIMEOUT) -> Crawl:
        """Wait for the crawl (os.wait4: the rusage of this child and its waited-for children)."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the crawl hung for {timeout:.0f} s:\n{self.stderr[-3000:]}")
            time.sleep(POLL)
        self.process.returncode = self.code = os.waitstatus_to_exitcode(status)
        self.sampler.done.set()
        self.peak_rss_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
        self.tree_rss_mb = max(self.sampler.peak / MIB, self.peak_rss_mb)
        self.seconds = time.monotonic() - self.started
        return self

    def kill(self) -> None:
        """kill -9: no close_spider, no flush, no lease release."""
        self.process.send_signal(signal.SIGKILL)
        self.wait()

    @property
    def running(self) -> bool:
        return self.code is None and self.process.poll() is None

    @property
    def stderr(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def stats(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.out.read_text())

    def stat(self, key: str) -> int:
        """One stat summed over the crawls of the run."""
        return sum(int(s.get(key, 0) or 0) for s in self.stats.values())


def crawl_command(
    replay_url: str, uri: str, db: str, spiders: list[str], settings: dict[str, Any]
) -> list[str]:
    command = [sys.executable, "-m", "crawler.replay.run", *spiders, "--replay-url", replay_url]
    for key, value in {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": db,
        "LOG_LEVEL": "WARNING",
        **settings,
    }.items():
        command += ["-s", f"{key}={value}"]
    return command


def launch(folder: Path, replay_url: str, uri: str, db: str, spiders: list[str], **settings: Any) -> Crawl:
    """Start a crawl in a subprocess; its VNNEWS_HOME (and so its spool) is `folder`/home."""
    n = len(list(folder.glob("crawl-*.log")))
    out, log = folder / f"stats-{n}.json", folder / f"crawl-{n}.log"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(home(folder))}
    env.pop("VNNEWS_REPLAY_URL", None)
    env.pop("MONGODB_URI", None)  # the URI is given on the command line
    command = [*crawl_command(replay_url, uri, db, spiders, settings), "--out", str(out)]
    with log.open("wb") as err:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    return Crawl(process, out, log)


@pytest.fixture
def start_crawl(tmp_path: Path) -> Iterator[Callable[..., Crawl]]:
    """`launch` in the test's folder: every crawl of a test shares one spool. Killed if left running."""
    started: list[Crawl] = []

    def start(replay_url: str, uri: str, db: str, spiders: list[str], **settings: Any) -> Crawl:
        started.append(launch(tmp_path, replay_url, uri, db, spiders, **settings))
        return started[-1]

    yield start
    for crawl in started:
        if crawl.running:
            crawl.kill()


def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def spooled_files(tmp_path: Path) -> list[Path]:
    """Spool files waiting to be written (a killed or failed run leaves them)."""
    return sorted((home(tmp_path) / "spool" / "pending").glob("*.jsonl"))


def finished(crawl: Crawl, *codes: int) -> Crawl:
    """The crawl ended with one of `codes` (0 when none given) and no traceback in its log."""
    crawl.wait()
    assert crawl.code in (codes or (0,)), f"exit {crawl.code}:\n{crawl.stderr[-4000:]}"
    assert "Traceback" not in crawl.stderr, crawl.stderr[-4000:]
    return crawl


def wait_for(condition: Callable[[], bool], crawl: Crawl, what: str, timeout: float = CRAWL_TIMEOUT) -> None:
    """Poll until `condition` holds while the crawl still runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert crawl.running, f"the crawl ended before {what}:\n{crawl.stderr[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within {timeout:.0f} s"
        time.sleep(POLL)


@dataclass(frozen=True)
class StoreCounts:
    documents: int
    lost: int  # expected article URLs with no document
    duplicated: int  # documents beyond one per URL (and beyond revision 1: stored twice as a change)
    without_story: int
    unexpected: int  # documents of URLs that are not expected articles

    def figures(self) -> dict[str, int]:
        return {"documents": self.documents, "lost": self.lost, "duplicated": self.duplicated}


def store_counts(uri: str, db: str, expected: set[str]) -> StoreCounts:
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        docs = list(client[db].articles.find({}, {"url": 1, "story_id": 1, "revision": 1}))
    urls = [d["url"] for d in docs]
    again = sum(int(d.get("revision") or 1) - 1 for d in docs)
    return StoreCounts(
        documents=len(docs),
        lost=len(expected - set(urls)),
        duplicated=len(urls) - len(set(urls)) + again,
        without_story=sum(1 for d in docs if not d.get("story_id")),
        unexpected=len(set(urls) - expected),
    )


def record(scenario: str, **figures: Any) -> None:
    FIGURES[scenario] = figures


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "fault table figures (docs/reliability.md)")
        for scenario, figures in FIGURES.items():
            terminalreporter.write_line(f"{scenario}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


CORPUS_OUTLETS = ["dantri", "tuoitre", "vnexpress", "baotintuc"]  # own pages that are all articles
CORPUS_TIMES = 12  # each page and 11 copies under other article URLs: 72 articles, a crawl of seconds


@pytest.fixture(scope="session")
def corpus_pages() -> list[Any]:
    from crawler.replay import load_corpus, repeated

    return repeated(load_corpus(["own"], outlets=CORPUS_OUTLETS), CORPUS_TIMES)


@pytest.fixture(scope="session")
def expected_urls(corpus_pages: list[Any]) -> set[str]:
    """The canonical URLs a complete crawl of the corpus stores."""
    from crawler.normalize import canonical_url

    return {canonical_url(p.url) for p in corpus_pages if p.kind == "article"}


@pytest.fixture
def corpus_replay(corpus_pages: list[Any]) -> Iterator[Any]:
    from crawler.replay import ReplayServer, ReplaySite

    with ReplayServer(ReplaySite(corpus_pages)) as server:
        yield server


def document_count(uri: str, db: str) -> int:
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
        return client[db].articles.count_documents({})


def wait_for_free_leases(uri: str, db: str) -> None:
    """Sleep until the leases a crawl could not release (killed, store down at its end) have run out."""
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        leases = list(client[db].crawl_leases.find())
    expiry = max((lease["expires_at"].timestamp() for lease in leases), default=0.0)
    time.sleep(max(0.0, expiry - time.time()) + 0.2)
