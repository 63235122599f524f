"""Exit codes a scheduler can trust (docs/operations.md): `scrapy crawl` and the replay runner, for real,
in a subprocess, against a closed port, an unresolvable name (a resolver of our own: no DNS traffic) and
a store that is down. Plus the rules that map a crawl's stats to its code."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.exitcodes import ExitCode, crawl_outcome, process_exit_code, summary_line
from crawler.replay import ReplayServer, ReplaySite, load_corpus
from tests.conftest import REPO_ROOT

# No retries and short store timeouts: each failure is seen once, the test stays short.
FAST = {"RETRY_ENABLED": "False", "LOG_LEVEL": "INFO", "HTTPPROXY_ENABLED": "False"}
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, uri: str, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (*PROXY_VARIABLES, "VNNEWS_REPLAY_URL")}
    env.update(MONGODB_URI=uri, MONGODB_DATABASE=db, VNNEWS_HOME=str(tmp_path), PYTHONPATH=str(REPO_ROOT))
    return env


def _scrapy_crawl(tmp_path: Path, uri: str, db: str, settings: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", "crawl", "vnexpress"]
    for key, value in {**FAST, **settings}.items():
        command += ["-s", f"{key}={value}"]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=_env(tmp_path, uri, db), capture_output=True, text=True, timeout=180
    )


def _last_line(done: subprocess.CompletedProcess) -> str:
    return [line for line in done.stderr.splitlines() if line.strip()][-1]


def test_closed_port_exits_with_discovery_failed(tmp_path, mongo_server, mongo_db_name):
    done = _scrapy_crawl(
        tmp_path, mongo_server, mongo_db_name, {"REPLAY_URL": f"http://127.0.0.1:{_closed_port()}"}
    )

    assert done.returncode == ExitCode.DISCOVERY_FAILED == 4, done.stderr[-3000:]
    last = _last_line(done)
    assert "exit 4: vnexpress 4 discovery_failed" in last
    assert "every discovery request failed" in last and "ConnectionRefusedError" in last


def test_unresolvable_name_exits_with_discovery_failed(tmp_path, mongo_server, mongo_db_name):
    settings = {
        "TWISTED_DNS_RESOLVER": "tests.spiders.resolvers.UnresolvableResolver",
        "ADDRESS_GUARD_ENABLED": "False",  # it would ask the system's resolver
    }
    done = _scrapy_crawl(tmp_path, mongo_server, mongo_db_name, settings)

    assert done.returncode == ExitCode.DISCOVERY_FAILED, done.stderr[-3000:]
    assert "CannotResolveHostError" in _last_line(done)  # Scrapy's name for a DNS lookup failure
    assert "test resolver: vnexpress.net not resolved" in done.stderr  # ours answered, no DNS server


def test_store_down_for_the_whole_run_exits_with_store_unreachable(tmp_path):
    down = f"mongodb://127.0.0.1:{_closed_port()}/"
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=["vnexpress"]))) as replay:
        command = [sys.executable, "-m", "crawler.replay.run", "vnexpress", "--replay-url", replay.url]
        for key, value in {"MONGODB_SERVER_TIMEOUT_MS": "300", "LOG_LEVEL": "INFO"}.items():
            command += ["-s", f"{key}={value}"]
        command += ["--out", str(tmp_path / "stats.json")]
        done = subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=_env(tmp_path, down, "vnnews"),
            capture_output=True,
            text=True,
            timeout=180,
        )

    assert done.returncode == ExitCode.STORE_UNREACHABLE == 5, done.stderr[-3000:]
    assert "vnexpress 5 store_unreachable" in _last_line(done)
    assert list((tmp_path / "spool" / "pending").iterdir()), "the article waits in the spool"


@pytest.mark.parametrize(
    ("stats", "code"),
    [
        ({"finish_reason": "finished", "outlet/a/discovery_ok": 1, "store/reached": 1}, ExitCode.OK),
        ({"finish_reason": "closespider_pagecount", "store/reached": 1}, ExitCode.OK),
        ({"crawl_error": "SpiderArgumentError: unknown argument sinse"}, ExitCode.BAD_ARGUMENTS),
        ({"crawl_error": "KeyError: 'nope'"}, ExitCode.FAILED),
        ({"finish_reason": "lease_refused"}, ExitCode.REFUSED),
        (
            {"finish_reason": "finished", "outlet/a/discovery_failed/DNSLookupError": 3},
            ExitCode.DISCOVERY_FAILED,
        ),
        (  # one feed answered: discovery worked, even though the sitemap failed
            {
                "finish_reason": "finished",
                "outlet/a/discovery_failed/http_404": 1,
                "outlet/a/discovery_ok": 1,
            },
            ExitCode.OK,
        ),
        ({"finish_reason": "finished", "store/failures": 2}, ExitCode.STORE_UNREACHABLE),
        ({"finish_reason": "finished", "store/failures": 2, "store/reached": 1}, ExitCode.OK),
        ({"finish_reason": "shutdown"}, ExitCode.FAILED),
        ({"finish_reason": "finished", "spider_exceptions/count": 1}, ExitCode.FAILED),
        ({}, ExitCode.FAILED),
    ],
)
def test_outcome_rules(stats, code):
    assert crawl_outcome(stats).code is code


def test_several_outlets_exit_with_the_first_code_of_the_precedence():
    outcomes = {
        "a": crawl_outcome({"finish_reason": "finished"}),
        "b": crawl_outcome({"finish_reason": "finished", "outlet/b/discovery_failed/TimeoutError": 1}),
        "c": crawl_outcome({"finish_reason": "shutdown"}),
    }
    assert process_exit_code(outcomes) is ExitCode.DISCOVERY_FAILED
    line = summary_line(outcomes)
    assert line.startswith("exit 4: a 0 ok (finished")
    assert "b 4 discovery_failed (b: every discovery request failed (1 TimeoutError))" in line
    assert "c 1 failed (finish_reason shutdown)" in line
