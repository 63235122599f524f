"""A password in MONGODB_URI never appears in logs, stats, run records, exceptions or the spool: crawls
with a URI carrying user:password@ (a user created on the SecantusDB daemon, which checks it) with the
store down, with a wrong password and with the store up; then everything they wrote is searched."""

from __future__ import annotations

from pathlib import Path

import pymongo
import pytest
from bson import json_util

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from tests.faults.conftest import finished, record

pytestmark = pytest.mark.faults

OUTLET = "dantri"
USER, PASSWORD = "vnnews_crawler", "Pw9f3kQz7xLm"  # letters and digits: the same in any URI encoding
DB = "vnnews_credentials"


def _uri(port: int, password: str) -> str:
    return f"mongodb://{USER}:{password}@127.0.0.1:{port}/?directConnection=true&authSource=admin"


def _written(folder: Path) -> dict[str, str]:
    """Every file the crawls wrote (logs, stats, the spool and its corrupt/rejected folders)."""
    return {str(p): p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file()}


def test_a_password_in_the_uri_is_never_written(stoppable_server, start_crawl, tmp_path):
    server = stoppable_server
    with pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=5000) as client:
        client.admin.command("createUser", USER, pwd=PASSWORD, roles=["root"])
    good, wrong = _uri(server.port, PASSWORD), _uri(server.port, "Wr0ng" + PASSWORD)
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=[OUTLET]))) as replay:
        server.stop()
        down = finished(start_crawl(replay.url, good, DB, [OUTLET], LOG_LEVEL="INFO"), 5)
        while_down = _written(tmp_path)  # the spool is written by the next run: search it now
        server.start()
        refused = start_crawl(replay.url, wrong, DB, [OUTLET], LOG_LEVEL="INFO").wait()
        up = finished(start_crawl(replay.url, good, DB, [OUTLET], LOG_LEVEL="INFO"))

    spooled = down.stat("mongo/spooled") + refused.stat("mongo/spooled")  # the refused one spools too
    assert down.stat("mongo/spooled") > 0 and up.stat("mongo/unspooled") == spooled
    assert refused.code != 0 and "uthentication failed" in refused.stderr  # the server checked it
    logs = down.stderr + refused.stderr + up.stderr
    assert f"{USER}:***@" in logs  # the URI is logged, with the password masked
    with pymongo.MongoClient(good, serverSelectionTimeoutMS=5000) as client:
        runs = list(client[DB].crawl_runs.find())
        assert len(runs) == 1  # only the crawl that reached the store wrote its run record
        stored = {
            name: json_util.dumps(list(client[DB][name].find())) for name in ("crawl_runs", "crawl_leases")
        }
    written = {**while_down, **_written(tmp_path)}
    assert any("/spool/pending/" in path for path in while_down)  # the down crawl's spool was searched
    leaks = [name for name, text in {**written, **stored}.items() if PASSWORD in text]
    assert leaks == []
    record("credentials in MONGODB_URI", files_searched=len(written), run_records=len(runs), leaks=len(leaks))
