"""Replay crawls for the spider tests: a replay server in this process, the crawl in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT


def crawl(
    tmp_path: Path,
    replay_url: str,
    uri: str,
    db: str,
    spiders: list[str],
    settings: dict[str, Any] | None = None,
    args: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run `python -m crawler.replay.run` (the real spiders) and return {spider: stats}."""
    out = tmp_path / f"stats-{len(list(tmp_path.glob('stats-*')))}.json"
    command = [
        sys.executable,
        "-m",
        "crawler.replay.run",
        *spiders,
        "--replay-url",
        replay_url,
        "--out",
        str(out),
    ]
    for key, value in {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": db,
        "LOG_LEVEL": "WARNING",
        **(settings or {}),
    }.items():
        command += ["-s", f"{key}={value}"]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path / "home")}
    env.pop("VNNEWS_REPLAY_URL", None)
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    return json.loads(out.read_text())


def outlet_stats(stats: dict[str, dict[str, Any]], outlet: str) -> dict[str, Any]:
    prefix = f"outlet/{outlet}/"
    return {k[len(prefix) :]: v for s in stats.values() for k, v in s.items() if k.startswith(prefix)}
