"""Test-session services: a real MongoDB-protocol server over TCP and the shared real pages.

With MONGODB_URI set, the same tests run against that server instead of a SecantusDB started here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pymongo
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of the server the store tests talk to."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    from secantus import SecantusDBServer

    server = SecantusDBServer(storage_path=str(tmp_path_factory.mktemp("secantus")))
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
