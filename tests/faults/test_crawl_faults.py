"""A crawl killed -9 mid-run and run again, and two runs of one outlet at once (the lease)."""

from __future__ import annotations

import time

import pymongo
import pytest

from tests.faults.conftest import (
    CORPUS_OUTLETS,
    QUICK_LEASE,
    SLOW,
    document_count,
    finished,
    record,
    spooled_files,
    store_counts,
    wait_for,
    wait_for_free_leases,
)

pytestmark = pytest.mark.faults

KILL_AFTER = 10  # documents stored before the kill: the crawl is well under way, far from done
SETTLE = 0.5  # seconds without a new document after which the dead crawl's last write has landed
OVERLAP_OUTLET = "dantri"  # 24 pages: a run of ~12 s at one page per 0.5 s, longer than a start-up


def _settled_count(uri: str, db: str) -> int:
    """Documents once the server has finished the writes the killed crawl had already sent it."""
    count, previous = document_count(uri, db), -1
    while count != previous:
        time.sleep(SETTLE)
        previous, count = count, document_count(uri, db)
    return count


def test_a_crawl_killed_mid_run_loses_nothing_at_the_rerun(
    corpus_replay, mongo_server, mongo_db_name, expected_urls, start_crawl, tmp_path
):
    uri, db = mongo_server, mongo_db_name
    killed = start_crawl(corpus_replay.url, uri, db, CORPUS_OUTLETS, **SLOW, **QUICK_LEASE)
    wait_for(lambda: document_count(uri, db) >= KILL_AFTER, killed, f"{KILL_AFTER} stored documents")
    killed.kill()
    at_kill = _settled_count(uri, db)
    assert KILL_AFTER <= at_kill < len(expected_urls)
    wait_for_free_leases(uri, db)  # the dead crawl's leases run out

    rerun = finished(start_crawl(corpus_replay.url, uri, db, CORPUS_OUTLETS))
    counts = store_counts(uri, db, expected_urls)
    assert counts.documents == len(expected_urls) and counts.lost == 0 and counts.unexpected == 0
    assert counts.duplicated == 0
    assert rerun.stat("mongo/new") == len(expected_urls) - at_kill  # nothing stored twice
    fetched = sum(rerun.stat(f"outlet/{o}/fetched") for o in CORPUS_OUTLETS)
    assert fetched == len(expected_urls) - at_kill  # what was stored is not fetched again
    assert counts.without_story == 0
    assert spooled_files(tmp_path) == []
    record(
        "crawl killed -9 mid-run, rerun",
        **counts.figures(),
        stored_before_kill=at_kill,
        peak_rss_mb=round(rerun.peak_rss_mb),
    )


def test_a_second_run_of_an_outlet_is_refused_by_the_lease(
    corpus_replay, mongo_server, mongo_db_name, expected_urls, start_crawl
):
    uri, db = mongo_server, mongo_db_name
    first = start_crawl(corpus_replay.url, uri, db, [OVERLAP_OUTLET], **{**SLOW, "DOWNLOAD_DELAY": 0.5})
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
        leases = client[db].crawl_leases
        wait_for(lambda: leases.count_documents({}) == 1, first, "the first run's lease")
    second = finished(start_crawl(corpus_replay.url, uri, db, [OVERLAP_OUTLET]), 3)
    assert first.running  # refused while the first still ran
    finished(first)

    assert "refused by the lock" in second.stderr
    for stats in second.stats.values():
        assert stats["finish_reason"] == "lease_refused" and stats["exit/code"] == 3
    assert second.stat(f"outlet/{OVERLAP_OUTLET}/fetched") == 0
    expected = {u for u in expected_urls if "dantri.com.vn" in u}
    counts = store_counts(uri, db, expected)
    assert counts.documents == len(expected) and counts.lost == 0 and counts.duplicated == 0
    record("overlapping runs of one outlet", **counts.figures(), second_exit=second.code)
