"""The store down at the start, stopped mid-crawl and brought back, killed -9 and restarted: the crawl
goes on while it is down (articles spooled), the spool is written when it is back, and after the next
run nothing is lost, nothing is stored twice and every article has its story."""

from __future__ import annotations

import signal
import time

import pytest

from tests.conftest import DaemonServer
from tests.faults.conftest import (
    CORPUS_OUTLETS,
    QUICK_LEASE,
    SLOW,
    Crawl,
    document_count,
    finished,
    record,
    spooled_files,
    store_counts,
    wait_for,
    wait_for_free_leases,
)

pytestmark = pytest.mark.faults

DOWN_AFTER = 10  # documents stored before the store goes away: the crawl is under way
# The crawl slowed further (a page per 0.4 s an outlet: ~7 s), so the store is back before its end.
SLOWER = {**SLOW, **QUICK_LEASE, "DOWNLOAD_DELAY": 0.4}
DOWN_FOR = 3.0  # seconds the store stays away once the crawl has spooled (several flushes and probes)


def _fetched(crawl: Crawl) -> int:
    return sum(crawl.stat(f"outlet/{o}/fetched") for o in CORPUS_OUTLETS)


def _kill(server: DaemonServer) -> None:
    """kill -9 the store: no clean shutdown of its files."""
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=30)
    server.process = None


def _check_after_rerun(scenario, first, server, db, expected_urls, start_crawl, replay, tmp_path):
    """The next run writes what waits, fetches only what was never stored, and mends the stories."""
    wait_for_free_leases(server.uri, db)
    rerun = finished(start_crawl(replay.url, server.uri, db, CORPUS_OUTLETS))
    counts = store_counts(server.uri, db, expected_urls)
    assert counts.documents == len(expected_urls) and counts.lost == 0 and counts.unexpected == 0
    assert counts.duplicated == 0
    assert counts.without_story == 0
    assert spooled_files(tmp_path) == []
    spooled = first.stat("mongo/spooled")
    assert spooled > 0  # the crawl went on while the store was down
    written = first.stat("mongo/unspooled") + rerun.stat("mongo/unspooled")
    assert written >= spooled  # every spooled article was written (again is harmless: idempotent)
    refetched = _fetched(first) + _fetched(rerun) - len(expected_urls)
    if "killed" not in scenario:
        assert refetched == 0  # no page fetched twice
    # A store killed -9 can lose the writes it had not yet made durable; the rerun fetches those pages
    # again (seen: 0 to 4 of 72) and stores them, so nothing is lost. The figure is recorded, not hidden.
    assert refetched >= 0
    record(
        scenario,
        **counts.figures(),
        spooled=spooled,
        refetched=refetched,
        peak_rss_mb=round(first.peak_rss_mb),
    )
    return rerun


def test_store_down_at_the_start(stoppable_server, corpus_replay, expected_urls, start_crawl, tmp_path):
    server, db = stoppable_server, "vnnews_faults"
    server.stop()
    first = finished(start_crawl(corpus_replay.url, server.uri, db, CORPUS_OUTLETS, **SLOW, **QUICK_LEASE), 5)
    assert "the store was unreachable for the whole run" in first.stderr
    assert first.stat("mongo/spooled") == _fetched(first) == len(expected_urls)
    assert len(spooled_files(tmp_path)) > 0
    server.start()
    _check_after_rerun(
        "store down at the start", first, server, db, expected_urls, start_crawl, corpus_replay, tmp_path
    )


@pytest.mark.parametrize("how", ["stopped", "killed -9"])
def test_store_lost_mid_crawl_and_brought_back(
    how, stoppable_server, corpus_replay, expected_urls, start_crawl, tmp_path
):
    server, db = stoppable_server, "vnnews_faults"
    first = start_crawl(corpus_replay.url, server.uri, db, CORPUS_OUTLETS, **SLOWER)
    wait_for(lambda: document_count(server.uri, db) >= DOWN_AFTER, first, f"{DOWN_AFTER} stored documents")
    _kill(server) if how == "killed -9" else server.stop()
    wait_for(lambda: bool(spooled_files(tmp_path)), first, "a spool file while the store is down")
    time.sleep(DOWN_FOR)
    server.start()
    finished(first)
    assert first.stat("store/recovered") >= 1  # the crawl found the store again before its end
    _check_after_rerun(
        f"store {how} mid-crawl, restarted",
        first,
        server,
        db,
        expected_urls,
        start_crawl,
        corpus_replay,
        tmp_path,
    )
