"""Test-session services: a real MongoDB-protocol server over TCP and the shared real pages.

With MONGODB_URI set, the same tests run against that server instead of a SecantusDB started here.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pymongo
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared"))
# Embedded store servers started by tests (and the crawls they run) stop soon after their last user,
# instead of lingering for the production idle time; set before crawler.settings is first imported.
os.environ.setdefault("VNNEWS_EMBEDDED_IDLE_SECONDS", "5")


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of the server the store tests talk to.

    SecantusDB runs as a daemon in its own process: the server's half of each connection and its
    work then stay out of the test process, as they would with a real MongoDB.
    """
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    server = DaemonServer(tmp_path_factory.mktemp("secantus"))
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def mongo_db_name() -> Iterator[str]:
    """A database name no other test uses; dropped afterwards."""
    name = f"vnnews_test_{uuid.uuid4().hex[:12]}"
    yield name
    uri = os.environ.get("MONGODB_URI")
    if uri is None:
        return  # the session server is thrown away with its folder
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        client.drop_database(name)


@pytest.fixture
def mongo_db(mongo_server: str, mongo_db_name: str) -> Iterator[pymongo.database.Database]:
    """A fresh database on the session's server (synchronous client)."""
    with pymongo.MongoClient(mongo_server, serverSelectionTimeoutMS=5000, tz_aware=True) as client:
        yield client[mongo_db_name]


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """../shared/fixtures: real third-party pages, read in place and never copied."""
    path = SHARED_DIR / "fixtures"
    if not (path / "TRUTH.jsonl").is_file():
        pytest.skip(f"real pages not available: {path} is absent (set VNNEWS_SHARED_DIR)")
    return path


class DaemonServer:
    """A SecantusDB daemon in its own process, on a fixed port, that a test can stop and restart."""

    def __init__(self, data_dir: Path) -> None:
        import socket

        self.data_dir = data_dir
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.uri = f"mongodb://127.0.0.1:{self.port}/?directConnection=true"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import shutil
        import sys
        import time

        daemon = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
        self.process = subprocess.Popen(
            [daemon, "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.data_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                time.sleep(0.1)
        raise RuntimeError(f"secantusd-py did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def stoppable_server(tmp_path: Path) -> Iterator[DaemonServer]:
    """A server the test may stop in the middle of a run (only the embedded kind can be stopped here)."""
    if os.environ.get("MONGODB_URI"):
        pytest.skip("MONGODB_URI points at an external server, which a test cannot stop and restart")
    server = DaemonServer(tmp_path / "daemon")
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True, scope="session")
def _isolated_vnnews_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep tests away from the user's own store and spool in ~/.local/share/vnnews."""
    previous = os.environ.get("VNNEWS_HOME")
    os.environ["VNNEWS_HOME"] = str(tmp_path_factory.mktemp("vnnews_home"))
    yield
    if previous is None:
        os.environ.pop("VNNEWS_HOME", None)
    else:
        os.environ["VNNEWS_HOME"] = previous
