"""The pieces every command shares: the store, the table, the progress line."""

from __future__ import annotations

import io

import pytest

from crawler.commands import common
from crawler.commands.common import Progress, open_store, print_table


def test_a_table_has_one_row_per_key_and_a_total_of_the_numbers() -> None:
    out = io.StringIO()
    rows = {
        "dantri": {"new": 3, "failed": 0, "last run": "2026-12-01"},
        "vnexpress": {"new": 12, "failed": 1},
    }
    print_table(["new", "failed", "last run"], rows, out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["outlet", "new", "failed", "last", "run"]
    assert lines[1].split() == ["dantri", "3", "0", "2026-12-01"]
    assert lines[2].split() == ["vnexpress", "12", "1", "-"]  # a missing cell shows as "-"
    assert lines[3].split() == ["total", "15", "1"]  # only numbers are summed
    assert len({len(line.rstrip()) for line in lines[:3]}) == 1  # columns line up


def test_progress_off_a_terminal_writes_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "PLAIN_PROGRESS_EVERY", 0.0)
    out = io.StringIO()
    with Progress("ingest", out) as progress:
        progress.advance(records=2, stored=1)
        progress.advance(records=1)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ingest: records 2, stored 1 (")
    assert lines[-1].startswith("ingest: records 3, stored 1 (")  # the last line: the totals
    assert len(lines) == 3


def test_open_store_reaches_the_given_server(mongo_server: str, mongo_db_name: str) -> None:
    with open_store(mongo_server, mongo_db_name) as store:
        store.db.probe.insert_one({"_id": 1})
        assert store.db.name == mongo_db_name
        assert store.db.probe.count_documents({}) == 1
