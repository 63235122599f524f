"""The embedded default store: started in-process, found again by a second process, stopped cleanly."""

from __future__ import annotations

import json

import pymongo

from crawler.store.connection import redact_uri, resolve_uri
from crawler.store.embedded import SERVER_FILE, EmbeddedServer, running_server_uri


def test_embedded_server_keeps_data_across_restarts(tmp_path):
    with EmbeddedServer(tmp_path) as uri, pymongo.MongoClient(uri) as client:
        client.vnnews.articles.insert_one({"_id": "https://vnexpress.net/a.html"})
    with EmbeddedServer(tmp_path) as uri, pymongo.MongoClient(uri) as client:
        assert client.vnnews.articles.count_documents({}) == 1


def test_published_server_is_reused_instead_of_opening_the_folder_twice(tmp_path):
    first = EmbeddedServer(tmp_path)
    uri = first.start(publish=True)
    try:
        assert json.loads((tmp_path / SERVER_FILE).read_text())["uri"] == uri
        assert running_server_uri(tmp_path) == uri
        second = EmbeddedServer(tmp_path)
        assert second.start() == uri
        assert not second.owns_server
        second.stop()  # must not stop the server it merely attached to
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
            assert client.admin.command("ping")["ok"] == 1
    finally:
        first.stop()
    assert not (tmp_path / SERVER_FILE).exists()
    assert running_server_uri(tmp_path) is None


def test_stale_server_file_is_ignored(tmp_path):
    (tmp_path / SERVER_FILE).write_text(json.dumps({"uri": "mongodb://127.0.0.1:9/", "pid": 1}))
    assert running_server_uri(tmp_path) is None


def test_configured_uri_wins_and_passwords_are_redacted(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://crawler:s3cr3t@db.example:27017/vnnews?authSource=admin")
    uri, server = resolve_uri()
    assert server is None
    assert redact_uri(uri) == "mongodb://crawler:***@db.example:27017/vnnews?authSource=admin"
    assert "s3cr3t" not in redact_uri(uri)
