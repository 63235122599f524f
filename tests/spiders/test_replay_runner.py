"""`python -m crawler.replay.run`: several crawls on the embedded store, and a failed crawl's exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymongo
import pytest

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.store.embedded import EmbeddedServer
from tests.conftest import REPO_ROOT
from tests.spiders.conftest import outlet_stats

OUTLETS = ["tuoitre", "vnexpress"]


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """The runner with no MONGODB_URI anywhere: the store is the embedded one in $VNNEWS_HOME/db."""
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "VNNEWS_REPLAY_URL")}
    env.update(VNNEWS_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO_ROOT), MONGODB_DATABASE="vnnews")
    out = tmp_path / "stats.json"
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=OUTLETS))) as replay:
        command = [sys.executable, "-m", "crawler.replay.run", *OUTLETS, "--replay-url", replay.url]
        command += ["--out", str(out), "-s", "LOG_LEVEL=WARNING", *args]
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    return done, json.loads(out.read_text()) if out.exists() else {}


def test_crawls_side_by_side_share_one_embedded_store(tmp_path):
    pytest.importorskip("secantus")
    done, stats = _run(tmp_path)

    assert done.returncode == 0, done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    for outlet in OUTLETS:
        assert stats[outlet]["finish_reason"] == "finished"
        assert outlet_stats(stats, outlet)["new"] == 1, outlet
    # the runner stopped the store it started: the folder opens again, with both articles in it
    with EmbeddedServer(tmp_path / "home" / "db") as uri, pymongo.MongoClient(uri) as client:
        assert sorted(d["outlet"] for d in client.vnnews.articles.find()) == OUTLETS


def test_a_crawl_refused_for_its_arguments_exits_2_and_names_each_outlet(tmp_path):
    pytest.importorskip("secantus")
    done, stats = _run(tmp_path, "-a", "channels=nope")  # every spider refuses the argument

    assert done.returncode == 2  # bad arguments (docs/operations.md, "Exit codes")
    assert set(stats) == set(OUTLETS)
    for outlet in OUTLETS:
        assert "unknown channels" in stats[outlet]["crawl_error"]
        assert f"crawl of {outlet} failed: SpiderArgumentError: unknown channels" in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert all(f"{outlet} 2 bad_arguments" in last for outlet in OUTLETS), last
