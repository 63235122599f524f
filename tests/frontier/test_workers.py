"""End to end: several crawler processes share one Redis frontier and one store, on the replay.

The replay server runs in this process and counts every fetch per URL; each worker is `python -m
crawler.replay.run` in its own process, as on separate machines.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.normalize import canonical_url
from crawler.replay import ReplayServer, ReplaySite, load_corpus, repeated
from tests.conftest import REPO_ROOT

OUTLETS = ["vnexpress", "dantri", "tuoitre", "thanhnien"]
COPIES = 4  # URLs per saved page: enough articles for the workers to share
WORKER_TIMEOUT = 240  # seconds: a worker that has not finished by then has hung
FAST = {"FRONTIER_ACK_DELAY": 1.0, "MONGODB_FLUSH_INTERVAL": 0.5}  # short waits at the end of a crawl


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayServer]:
    pages = repeated(load_corpus(["own"], outlets=OUTLETS), COPIES)
    with ReplayServer(ReplaySite(pages)) as server:
        yield server


@pytest.fixture
def site(replay: ReplayServer) -> ReplaySite:
    replay.site.hits.clear()
    return replay.site


def _start(
    tmp_path: Path, name: str, replay_url: str, settings: dict[str, Any]
) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / f"stats-{name}.json"
    command = [
        sys.executable,
        "-m",
        "crawler.replay.run",
        *OUTLETS,
        "--replay-url",
        replay_url,
        "--out",
        str(out),
    ]
    for key, value in {"LOG_LEVEL": "WARNING", **settings}.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path / f"home-{name}")}
    env.pop("VNNEWS_REPLAY_URL", None)
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    return process, out


def _finish(process: subprocess.Popen, out: Path) -> dict[str, dict[str, Any]]:
    _, stderr = process.communicate(timeout=WORKER_TIMEOUT)
    assert process.returncode == 0, stderr[-4000:]
    assert "Traceback" not in stderr, stderr[-4000:]
    return json.loads(out.read_text())


def _total(stats: dict[str, dict[str, Any]], suffix: str) -> int:
    return sum(v for s in stats.values() for k, v in s.items() if k.endswith(suffix))


def _articles(site: ReplaySite) -> list[str]:
    return sorted(p.url for p in site.pages.values() if p.kind == "article")


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_fetch_every_article_once(
    tmp_path, site, replay, mongo_server, mongo_db, redis_server, workers
):
    shared = {
        "MONGODB_URI": mongo_server,
        "MONGODB_DATABASE": mongo_db.name,
        "FRONTIER_URL": redis_server.url,
    }
    shared.update(FAST, FRONTIER_KEY_PREFIX=f"{mongo_db.name}:frontier")
    running = [_start(tmp_path, str(n), replay.url, shared) for n in range(workers)]
    stats = [_finish(*worker) for worker in running]

    articles = _articles(site)
    assert {url: site.hits_for(url) for url in articles} == dict.fromkeys(articles, 1)
    assert sum(_total(s, "/fetched") for s in stats) == len(articles)  # and no worker fetched it twice
    assert sorted(d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})) == sorted(
        canonical_url(u) for u in articles
    )
    assert all(d["revision"] == 1 for d in mongo_db.articles.find({}, {"revision": 1}))
    # Every worker found every article; one queued it, the others were refused by the frontier (or,
    # once it was stored, skipped by the incremental check before asking).
    queued = sum(_total(s, "frontier/enqueued/article") for s in stats)
    refused = sum(_total(s, "frontier/duplicate/article") + _total(s, "/skipped_known") for s in stats)
    assert queued == len(articles)
    # At most every other worker's sighting is refused; fewer when a late worker's listing pages found
    # nothing new and stopped paginating (seen once with 3 workers: 36 of 40). Fetch-once holds either way.
    assert 0 < refused <= (workers - 1) * len(articles)
    frontier = redis.Redis.from_url(redis_server.url)
    keys = f"{mongo_db.name}:frontier:vnexpress"
    assert frontier.zcard(f"{keys}:queue") == frontier.zcard(f"{keys}:leases") == 0


def test_a_worker_killed_mid_crawl_loses_no_url(tmp_path, site, replay, mongo_server, mongo_db, redis_server):
    prefix = f"{mongo_db.name}:frontier"
    shared = {
        "MONGODB_URI": mongo_server,
        "MONGODB_DATABASE": mongo_db.name,
        "FRONTIER_URL": redis_server.url,
    }
    shared.update(FRONTIER_KEY_PREFIX=prefix, FRONTIER_LEASE_SECONDS=3.0)
    # The doomed worker crawls slowly, so it is killed with articles fetched, leased and queued.
    slow = {**shared, "DOWNLOAD_DELAY": 0.4, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    doomed, _ = _start(tmp_path, "doomed", replay.url, slow)
    articles = _articles(site)
    frontier = redis.Redis.from_url(redis_server.url)
    leases = [f"{prefix}:{outlet}:leases" for outlet in OUTLETS]
    deadline = time.monotonic() + WORKER_TIMEOUT
    while sum(site.hits_for(u) for u in articles) < 3 or not sum(frontier.zcard(k) for k in leases):
        assert doomed.poll() is None and time.monotonic() < deadline, "the worker ended before it was killed"
        time.sleep(0.05)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    fetched_before = sum(site.hits_for(u) > 0 for u in articles)
    assert 0 < fetched_before < len(articles)

    stats = _finish(*_start(tmp_path, "survivor", replay.url, {**shared, **FAST}))

    stored = {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    assert stored == {canonical_url(u) for u in articles}  # nothing lost
    assert _total(stats, "frontier/reclaimed") >= 1  # the killed worker's leases came back
    assert all(1 <= site.hits_for(u) <= 2 for u in articles)  # at most refetched after the kill
    assert sum(frontier.zcard(k) for k in leases) == 0
