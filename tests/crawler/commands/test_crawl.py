"""`vnnews crawl` in subprocesses against the replay and a real store: the lease, run records, -9."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from exporters.mongo.writer import ArticleWriter
from tests.conftest import REPO_ROOT
from tests.factories import make_article

OUTLET = "dantri"
# A crawl slowed down enough (one request at a time, a pause between two) that a second one started
# at the same moment meets its lease: the replay answers in milliseconds otherwise.
SLOW = ["-s", "DOWNLOAD_DELAY=1.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY_JITTER=0"]


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayServer]:
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=[OUTLET, "vietnamplus"]))) as server:
        yield server


def _command(replay_url: str, uri: str, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", *extra, "--uri", uri, "--database", db,
            "--replay-url", replay_url]  # fmt: skip


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "VNNEWS_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("VNNEWS_REPLAY_URL", None)
    return env


def _start(command: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=REPO_ROOT, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO_ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=300
    )


def test_two_crawls_of_one_outlet_at_once_one_is_refused(replay, mongo_server, mongo_db, tmp_path):
    command = _command(replay.url, mongo_server, mongo_db.name, OUTLET, *SLOW)
    first, second = _start(command, tmp_path), _start(command, tmp_path)
    outs = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
    codes = sorted(code for code, _, _ in outs)
    assert codes == [0, 3], [err[-2000:] for _, _, err in outs]
    (refused_err,) = [err for code, _, err in outs if code == 3]
    assert f"{OUTLET}: refused: already being crawled (lease held by" in refused_err
    (ok_out,) = [out for code, out, _ in outs if code == 0]
    assert OUTLET in ok_out and "total" in ok_out  # the summary table

    runs = {r["status"]: r for r in mongo_db.crawl_runs.find()}
    assert sorted(runs) == ["finished", "refused"]
    done, refused = runs["finished"], runs["refused"]
    assert done["outlets"] == [OUTLET] and done["finish_reason"] == "finished"
    assert refused["finish_reason"] == "lease_refused" and refused["per_outlet"][OUTLET]["fetched"] == 0
    stored = mongo_db.articles.count_documents({"outlet": OUTLET})
    counts = done["per_outlet"][OUTLET]
    assert stored and counts["new"] == stored and counts["fetched"] == counts["found"] == stored
    assert counts["articles"] == stored and done["ended_at"] > done["started_at"]
    assert mongo_db.crawl_leases.count_documents({}) == 0  # released at the end


def test_killed_crawl_is_unfinished_and_frees_the_outlet_when_its_lease_expires(
    replay, mongo_server, mongo_db, tmp_path
):
    ttl = 20.0  # long enough for a second crawl to start before it expires, on a loaded machine
    quick = ["-s", f"LEASE_TTL={ttl}", "-s", "LEASE_RENEW_INTERVAL=1", "-s", "RUNS_HEARTBEAT_INTERVAL=1"]
    killed = _start(_command(replay.url, mongo_server, mongo_db.name, OUTLET, *SLOW, *quick), tmp_path)
    deadline = time.monotonic() + 120
    while mongo_db.crawl_leases.count_documents({"_id": OUTLET}) == 0:
        assert killed.poll() is None and time.monotonic() < deadline, killed.communicate()[1][-2000:]
        time.sleep(0.1)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    blocked = _run(_command(replay.url, mongo_server, mongo_db.name, OUTLET), tmp_path)
    assert blocked.returncode == 3, blocked.stderr[-2000:]  # the dead crawl's lease still holds

    time.sleep(1.5)  # the heartbeat is older than --stale-after now
    status = _status(mongo_server, mongo_db.name, tmp_path, OUTLET, "vietnamplus")
    assert status.returncode == 1
    rows = {r["outlet"]: r for r in json.loads(status.stdout)}
    assert rows[OUTLET]["last_run"] == "unfinished" and not rows[OUTLET]["healthy"]  # refused runs skipped
    assert any("unfinished" in reason for reason in rows[OUTLET]["reasons"])
    assert rows["vietnamplus"]["reasons"] == ["never crawled"]  # asked for by name

    lease = mongo_db.crawl_leases.find_one({"_id": OUTLET})
    time.sleep(max(0.0, (lease["expires_at"].timestamp() - time.time())) + 0.5)
    after = _run(_command(replay.url, mongo_server, mongo_db.name, OUTLET, "--max-pages", "1"), tmp_path)
    assert after.returncode == 0, after.stderr[-2000:]

    status = _status(mongo_server, mongo_db.name, tmp_path, OUTLET)
    assert status.returncode == 0, status.stdout
    (row,) = json.loads(status.stdout)
    assert row["last_run"] == "finished" and row["healthy"] and row["last_success"]
    states = sorted(r["status"] for r in mongo_db.crawl_runs.find())
    assert states == ["finished", "refused", "running"]  # the killed one never wrote its end
    (dead,) = mongo_db.crawl_runs.find({"status": "running"})
    assert "ended_at" not in dead and dead["heartbeat_at"] >= dead["started_at"]


def _store_without_story(uri: str, db: str, spool: Path, article: object) -> None:
    async def write() -> None:
        client = AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=3000)
        try:
            writer = ArticleWriter(client[db], spool)
            writer.add(article)
            await writer.flush()
        finally:
            await client.close()

    asyncio.run(write())


def _status(uri: str, db: str, tmp_path: Path, *outlets: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler.cli", "status", *outlets, "--json", "--stale-after", "1"]
    return _run([*command, "--uri", uri, "--database", db], tmp_path)


def test_bad_arguments_and_unreachable_store(replay, tmp_path):
    unknown = _run([sys.executable, "-m", "crawler.cli", "crawl", "nosuchoutlet"], tmp_path)
    assert unknown.returncode == 2 and "unknown outlets ['nosuchoutlet']" in unknown.stderr
    neither = _run([sys.executable, "-m", "crawler.cli", "crawl"], tmp_path)
    assert neither.returncode == 2 and "--all" in neither.stderr
    unreachable = "mongodb://u:secret@127.0.0.1:9/?serverSelectionTimeoutMS=300"
    down = _run(_command(replay.url, unreachable, "x", OUTLET), tmp_path)
    assert down.returncode == 5 and "unreachable" in down.stderr
    assert "secret" not in down.stderr  # the password never shows


def test_articles_left_without_a_story_get_one_in_the_next_run(replay, mongo_server, mongo_db, tmp_path):
    """After an outage some articles were stored without a story; the next scheduled run repairs them."""
    orphan = make_article("https://baotintuc.vn/thoi-su/mat-dien-luc-luu-tru-1.htm", story_id=None)
    _store_without_story(mongo_server, mongo_db.name, tmp_path / "spool", orphan)
    assert mongo_db.articles.find_one({"_id": orphan.url})["story_id"] is None

    done = _run(_command(replay.url, mongo_server, mongo_db.name, OUTLET), tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    repaired = mongo_db.articles.find_one({"_id": orphan.url})
    assert repaired["story_id"] and mongo_db.stories.find_one({"_id": repaired["story_id"]})
    assert mongo_db.articles.count_documents({"story_id": None}) == 0
    (run,) = mongo_db.crawl_runs.find()
    assert run["status"] == "finished"
