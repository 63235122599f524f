"""A store outage is cheap: with the store down a crawl counts one failed store call per crawler (no
wait per article or per batch), spools every article, and defers story assignment; the next run with
the store back writes the spool and gives every article its story. No timings: the waits are counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pymongo

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from tests.conftest import REPO_ROOT

OUTLETS = ["tuoitre", "vnexpress", "dantri"]


def _run(tmp_path: Path, replay_url: str, uri: str, db: str, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / f"stats-{len(list(tmp_path.glob('stats-*')))}.json"
    command = [sys.executable, "-m", "crawler.replay.run", *OUTLETS, "--replay-url", replay_url]
    command += ["-s", f"MONGODB_URI={uri}", "-s", f"MONGODB_DATABASE={db}", "-s", "LOG_LEVEL=WARNING"]
    command += ["--out", str(out), *extra]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path / "home")}
    env.pop("VNNEWS_REPLAY_URL", None)
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    return done.returncode, json.loads(out.read_text())


def _sum(stats: dict[str, dict[str, Any]], key: str) -> int:
    return sum(int(s.get(key, 0)) for s in stats.values())


def test_store_down_costs_one_failure_per_crawl_and_everything_is_caught_up(
    tmp_path, free_port, mongo_server, mongo_db_name
):
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=OUTLETS))) as replay:
        down = f"mongodb://127.0.0.1:{free_port}/"
        code, stats = _run(tmp_path, replay.url, down, mongo_db_name)
        articles = _sum(stats, "mongo/spooled")

        assert code == 5  # the store was unreachable for the whole run
        assert articles == sum(_sum(stats, f"outlet/{o}/fetched") for o in OUTLETS) > 0
        # the waits: one failed store call per crawl (found when it started) plus its probes, never
        # one per article; every other store call was refused at once
        assert _sum(stats, "store/failures") == len(OUTLETS) + _sum(stats, "store/probes")
        assert _sum(stats, "store/probes") < articles
        assert _sum(stats, "store/refused") >= articles  # each article's story and write skipped it
        assert _sum(stats, "stories/deferred") == articles

        # the store is back: the next run writes the spool first (so it fetches nothing again) and
        # gives the articles stored without a story their story
        code, stats = _run(tmp_path, replay.url, mongo_server, mongo_db_name)

    assert code == 0
    # every spooled article was written (crawls of one process share the spool and may each write a
    # file they read at the same time: the upserts are idempotent, so that costs time, not data)
    assert _sum(stats, "mongo/unspooled") >= articles
    assert sum(_sum(stats, f"outlet/{o}/fetched") for o in OUTLETS) == 0  # nothing fetched twice
    with pymongo.MongoClient(mongo_server) as client:
        docs = list(client[mongo_db_name].articles.find({}, {"story_id": 1, "outlet": 1}))
    assert len(docs) == articles
    assert all(d.get("story_id") for d in docs), "every article got its story"
    assert _sum(stats, "stories/caught_up") == articles
