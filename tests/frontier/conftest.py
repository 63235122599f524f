"""A real redis-server for the frontier tests: 127.0.0.1, a free port, data in a temporary folder.

`./run tests` installs Debian's redis-server when it is missing; without it these tests fail with
that instruction rather than pass on a fake.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

START_TIMEOUT = 10.0  # seconds redis-server gets to answer PING


class RedisServer:
    """redis-server in its own process, without persistence: a test can kill it or let it be."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is not installed: ./run tests installs it (apt-get install redis-server)"
            )
        options = {"bind": "127.0.0.1", "port": str(self.port), "save": "", "appendonly": "no"}
        options.update(dir=str(self.data_dir), protected_mode="yes")
        self.process = subprocess.Popen(
            [binary, *(part for k, v in options.items() for part in (f"--{k.replace('_', '-')}", v))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def key_prefix() -> str:
    """A key prefix no other test uses (the session's server is shared)."""
    return f"test:{uuid.uuid4().hex[:10]}"
