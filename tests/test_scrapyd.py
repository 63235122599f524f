"""Scrapyd: the project deploys with scrapyd-deploy and scrapy.cfg; a scheduled replay crawl stores articles.

A real `scrapyd` runs on 127.0.0.1 in a subprocess with its own folder and port; scrapyd-deploy builds
the egg from a copy of the project (it writes setup.py and build/ where it runs) and uploads it; the
crawl is scheduled through schedule.json with REPLAY_URL and MONGODB_URI settings, and the test then
finds its articles and its run record in the store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.run import REPLAY_SETTINGS
from tests.conftest import REPO_ROOT

OUTLET = "dantri"
BIN = Path(sys.executable).parent
PROJECT_PARTS = ("crawler", "spiders", "exporters", "scrapy.cfg", "pyproject.toml", "README.md")
JOB_TIMEOUT = 240.0  # seconds a scheduled replay crawl may take on a loaded machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api(base: str, action: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{action}", data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """A scrapyd on 127.0.0.1 at a port of its own; its URL."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\npoll_interval = 0.5\nmax_proc = 2\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
    )
    env = {**os.environ, "VNNEWS_HOME": str(tmp_path / "home")}
    for name in ("SCRAPY_SETTINGS_MODULE", "VNNEWS_REPLAY_URL", "PYTHONPATH"):
        env.pop(name, None)  # the job must find its settings through the deployed egg
    errors = (home / "scrapyd.err").open("wb")
    process = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=errors
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(base, "daemonstatus.json")
                break
            except OSError:
                assert process.poll() is None, (home / "scrapyd.err").read_text()[-3000:]
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        errors.close()


def _project_copy(target: Path, scrapyd_url: str) -> Path:
    """The project's sources and scrapy.cfg, with a deploy target naming the test's scrapyd."""
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", "pages"))
        else:
            shutil.copy2(source, target / part)
    with (target / "scrapy.cfg").open("a") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {scrapyd_url}/\nproject = vnnews\n")
    return target


def test_deploy_then_schedule_a_replay_crawl_into_the_store(scrapyd, tmp_path, mongo_server, mongo_db):
    project = _project_copy(tmp_path / "project", scrapyd)
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "--version", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    assert '"status": "ok"' in deploy.stdout, deploy.stdout[-2000:]
    assert OUTLET in _api(scrapyd, "listspiders.json?project=vnnews&_version=1")["spiders"]

    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=[OUTLET]))) as replay:
        settings = {**REPLAY_SETTINGS, "REPLAY_URL": replay.url, "MONGODB_URI": mongo_server,
                    "MONGODB_DATABASE": mongo_db.name}  # fmt: skip
        form = [("project", "vnnews"), ("spider", OUTLET)]
        form += [("setting", f"{k}={v}") for k, v in settings.items()]
        job = _api(scrapyd, "schedule.json", form)
        assert job["status"] == "ok", job
        deadline = time.monotonic() + JOB_TIMEOUT
        while not any(
            j["id"] == job["jobid"] for j in _api(scrapyd, "listjobs.json?project=vnnews")["finished"]
        ):
            assert time.monotonic() < deadline, "the scheduled crawl did not finish"
            time.sleep(0.5)

    stored = list(mongo_db.articles.find({"outlet": OUTLET}))
    expected = [p for p in replay.site.pages.values() if p.outlet == OUTLET and p.kind == "article"]
    assert len(stored) == len(expected) > 0
    (run,) = mongo_db.crawl_runs.find({"spider": OUTLET})
    assert run["status"] == "finished" and run["arguments"].get("_job") is None
    assert run["per_outlet"][OUTLET]["new"] == len(stored)
