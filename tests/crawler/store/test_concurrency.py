"""Many processes on one embedded data folder (no MONGODB_URI anywhere), as cron and Scrapyd run them:
three crawls of different outlets, `vnnews stories` and `vnnews export` start together against the
replay, all exit 0 and the stored counts are exact; then the store server is killed -9 while a crawl
runs, the next process starts a new one, and nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymongo
import pytest

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.store.embedded import CLIENTS_DIR, LOG_FILE, EmbeddedServer, read_record, stop_server
from tests.conftest import REPO_ROOT

pytest.importorskip("secantus")

TOGETHER = {"vnexpress": 1, "dantri": 2, "tuoitre": 1}  # outlet → articles in its replay pages
LATER = {"baotintuc": 2, "thanhnien": 1}
# Seconds the test waits for a crawl to attach to the store before it kills the server.
ATTACH_DEADLINE = 60.0
# Seconds the test's store server stays up without users (the test stops it at the end).
SHARED_IDLE = 120
LOCK_ERRORS = ("WiredTiger", "Device or resource busy", "Traceback")


def _env(home: Path) -> dict[str, str]:
    drop = ("MONGODB_URI", "VNNEWS_REPLAY_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(VNNEWS_HOME=str(home), MONGODB_DATABASE="vnnews", PYTHONPATH=str(REPO_ROOT))
    # long enough that processes starting at different speeds all find the first server up
    return {**env, "VNNEWS_EMBEDDED_IDLE_SECONDS": str(SHARED_IDLE)}


def _crawl(home: Path, outlet: str, replay_url: str, *settings: str) -> subprocess.Popen[str]:
    """`scrapy crawl <outlet>` as a cron line runs it (the replay instead of the live site)."""
    command = [sys.executable, "-m", "scrapy", "crawl", outlet, "-s", f"REPLAY_URL={replay_url}"]
    for setting in ("LOG_LEVEL=WARNING", "MONGODB_FLUSH_INTERVAL=0.5", *settings):
        command += ["-s", setting]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _vnnews(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=REPO_ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(name: str, process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    assert not any(e in err for e in LOCK_ERRORS), f"{name}:\n{err[-3000:]}"
    return process.returncode, out, err


def _counts(home: Path) -> dict[str, int]:
    with EmbeddedServer(home / "db", idle_seconds=SHARED_IDLE) as uri, pymongo.MongoClient(uri) as client:
        docs = list(client.vnnews.articles.find({}, {"outlet": 1, "story_id": 1}))
    assert all(d.get("story_id") for d in docs), "every article has its story"
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc["outlet"]] = counts.get(doc["outlet"], 0) + 1
    return counts


@pytest.mark.slow
def test_processes_share_one_embedded_store_and_survive_its_kill(tmp_path):
    home = tmp_path / "home"
    outlets = [*TOGETHER, *LATER]
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=outlets))) as replay:
        started = {o: _crawl(home, o, replay.url) for o in TOGETHER}
        started["stories"] = _vnnews(home, "stories", "--since", "2000-01-01")
        started["export"] = _vnnews(home, "export", "--format", "jsonl", "--out", str(tmp_path / "out.jsonl"))
        codes = {name: _finish(name, p)[0] for name, p in started.items()}

        assert codes == dict.fromkeys(started, 0)
        assert _counts(home) == TOGETHER  # exact: nothing lost, nothing twice
        assert (home / "db" / LOG_FILE).read_text().count("serving ") == 1  # one server for them all
        for line in (tmp_path / "out.jsonl").read_text().splitlines():
            assert json.loads(line)["outlet"] in TOGETHER  # export saw a consistent store

        # kill -9 the server while a crawl runs; the next process replaces it
        victim = read_record(home / "db")
        running = _crawl(home, "baotintuc", replay.url, "MONGODB_RETRY_AFTER=0.5")
        deadline = time.monotonic() + ATTACH_DEADLINE
        while not any(p.name.startswith(f"{running.pid}-") for p in (home / "db" / CLIENTS_DIR).glob("*")):
            assert time.monotonic() < deadline, "the crawl never attached to the store"
            time.sleep(0.05)
        os.kill(victim["pid"], signal.SIGKILL)
        following = _crawl(home, "thanhnien", replay.url)
        code_running, _, err_running = _finish("baotintuc", running)
        code_following, _, _ = _finish("thanhnien", following)

        assert code_following == 0
        assert code_running in (0, 5), err_running[-3000:]  # 5 if the kill came before its first store call
        replaced = read_record(home / "db")
        assert replaced is not None and replaced["pid"] != victim["pid"]
        # a run after the outage writes whatever waited in the spool and assigns its stories
        catch_up = _crawl(home, "baotintuc", replay.url)
        assert _finish("baotintuc again", catch_up)[0] == 0

    assert _counts(home) == {**TOGETHER, **LATER}
    assert not list((home / "spool" / "pending").glob("*")), "nothing left in the spool"
    stop_server(home / "db")
