"""The embedded default store: one shared server per folder, attached to by every process, idle stop,
stale records replaced."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pymongo
import pytest

from crawler.store.connection import redact_uri, resolve_uri
from crawler.store.embedded import (
    CLIENTS_DIR,
    SERVER_FILE,
    EmbeddedServer,
    EmbeddedStoreError,
    read_record,
    running_server_uri,
    stop_server,
)
from tests.conftest import REPO_ROOT

pytest.importorskip("secantus")

# Seconds a test lets an idle server wait before it stops itself.
SHORT_IDLE = 0.5
# Seconds a test waits at most for a server to stop by itself (idle time plus the watch's steps).
STOP_DEADLINE = 30.0


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + STOP_DEADLINE
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # our own child: reap it so it does not linger as a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def test_server_is_a_separate_process_that_keeps_data_across_restarts(tmp_path):
    with EmbeddedServer(tmp_path, idle_seconds=SHORT_IDLE) as uri, pymongo.MongoClient(uri) as client:
        client.vnnews.articles.insert_one({"_id": "https://vnexpress.net/a.html"})
        pid = read_record(tmp_path)["pid"]
        assert pid != os.getpid()
    assert _wait_gone(pid), "the idle server did not stop by itself"
    assert read_record(tmp_path) is None  # it removed its record
    with EmbeddedServer(tmp_path, idle_seconds=SHORT_IDLE) as uri, pymongo.MongoClient(uri) as client:
        assert client.vnnews.articles.count_documents({}) == 1
    stop_server(tmp_path)


def test_second_user_attaches_and_the_server_outlives_the_first(tmp_path):
    first = EmbeddedServer(tmp_path, idle_seconds=60)
    uri = first.start()
    second = EmbeddedServer(tmp_path, idle_seconds=60)
    try:
        assert first.started
        assert json.loads((tmp_path / SERVER_FILE).read_text())["uri"] == uri
        assert second.start() == uri
        assert not second.started
        assert len(list((tmp_path / CLIENTS_DIR).iterdir())) == 2
        first.stop()  # detaching never stops the server another process uses
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
            assert client.admin.command("ping")["ok"] == 1
    finally:
        second.stop()
        assert stop_server(tmp_path)
    assert running_server_uri(tmp_path) is None


def test_a_killed_server_is_replaced_on_its_port(tmp_path):
    first = EmbeddedServer(tmp_path, idle_seconds=60)
    uri = first.start()
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        client.vnnews.articles.insert_one({"_id": "kept"})
        os.kill(first.pid, signal.SIGKILL)
        assert _wait_gone(first.pid)
        assert read_record(tmp_path) is not None  # the stale record is still there
        second = EmbeddedServer(tmp_path, idle_seconds=60)
        assert second.start() == uri  # same port: the client above reconnects by itself
        assert second.started and second.pid != first.pid
        assert client.vnnews.articles.count_documents({"_id": "kept"}) == 1
    first.stop()
    second.stop()
    stop_server(tmp_path)


def test_stale_record_of_a_dead_process_is_ignored(tmp_path):
    (tmp_path / SERVER_FILE).write_text(json.dumps({"uri": "mongodb://127.0.0.1:9/", "pid": 2**22 + 1}))
    assert running_server_uri(tmp_path) is None


def test_configured_uri_wins_and_passwords_are_redacted(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://crawler:s3cr3t@db.example:27017/vnnews?authSource=admin")
    uri, server = resolve_uri()
    assert server is None
    assert redact_uri(uri) == "mongodb://crawler:***@db.example:27017/vnnews?authSource=admin"
    assert "s3cr3t" not in redact_uri(uri)


def test_vnnews_db_attaches_prints_the_uri_and_leaves_the_server_to_others(tmp_path):
    command = [sys.executable, "-m", "crawler.cli", "db", "--port", "0", "--data-dir", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    db = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = db.stdout.readline()
        assert "vnnews store started at mongodb://127.0.0.1:" in line, line
        uri = line.split(" at ", 1)[1].split()[0]
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
            assert client.admin.command("ping")["ok"] == 1
        crawl = EmbeddedServer(tmp_path, idle_seconds=60)
        assert crawl.start() == uri and not crawl.started  # a crawl started meanwhile attaches
    finally:
        db.send_signal(signal.SIGINT)
        db.wait(timeout=30)
        db.stdout.close()
    assert db.returncode == 0
    assert running_server_uri(tmp_path) == uri  # the crawl still uses it
    crawl.stop()
    assert stop_server(tmp_path)


def test_a_server_that_holds_the_folder_but_does_not_answer_is_a_clear_error(tmp_path):
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "crawler.store.embedded"]
    )
    try:
        record = {"uri": "mongodb://127.0.0.1:9/?directConnection=true", "pid": sleeper.pid}
        (tmp_path / SERVER_FILE).write_text(json.dumps(record))
        with pytest.raises(EmbeddedStoreError, match=f"kill {sleeper.pid}"):
            EmbeddedServer(tmp_path).start()
    finally:
        sleeper.kill()
        sleeper.wait()
