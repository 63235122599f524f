"""`vnnews extract` and `vnnews reextract` as functions (crawler/cli.py wires them into the script)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.commands.extract import run_extract, run_reextract
from tests.factories import run_flow

PAGES = Path(__file__).resolve().parents[1] / "outlets" / "pages"
CASE = json.loads((PAGES / "vnexpress.json").read_text(encoding="utf-8"))


def test_extract_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run_extract([str(PAGES / "vnexpress.html"), "--url", CASE["url"], "--fetched-at", CASE["fetched_at"]])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["title"] == CASE["title"]
    assert doc["authors"] == CASE["authors"]
    assert doc["published_at"] == "2026-03-04T01:15:40+00:00"


def test_naive_fetched_at_is_vietnamese_local_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run_extract([str(PAGES / "vnexpress.html"), "--url", CASE["url"], "--fetched-at", "2026-12-01T09:00"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["fetched_at"] == "2026-12-01T02:00:00+00:00"


def test_extract_refuses_non_articles(capsys: pytest.CaptureFixture[str]) -> None:
    url = json.loads((PAGES / "baomoi.json").read_text(encoding="utf-8"))["url"]
    assert run_extract([str(PAGES / "baomoi.html"), "--url", url]) == 1
    assert "not an article (redirect)" in capsys.readouterr().err


def test_extract_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_extract([str(tmp_path / "none.html"), "--url", "https://x.vn/a"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_reextract_updates_changed_documents(
    mongo_server: str, mongo_db, capsys: pytest.CaptureFixture[str]
) -> None:
    from crawler.store.schema import ARTICLES, page_document
    from crawler.store.schema import PAGES as PAGES_COLLECTION

    html = (PAGES / "vnexpress.html").read_bytes()
    fetched_at = datetime(2026, 3, 5, tzinfo=UTC)
    article = run_flow(html, CASE["url"], fetched_at=fetched_at).article
    assert article is not None
    stale = article.to_document()
    stale["category"] = "Cũ"  # what an older rule produced
    mongo_db[ARTICLES].insert_one(stale)
    page = page_document(
        article.url,
        "vnexpress",
        CASE["url"],
        fetched_at,
        html,
        encoding="utf-8",
        status=200,
        content_type="text/html",
        retention_days=0,
    )
    mongo_db[PAGES_COLLECTION].insert_one(page)
    args = ["--uri", mongo_server, "--database", mongo_db.name, "--source", "vnexpress"]

    assert run_reextract([*args, "--dry-run"]) == 0
    assert "category: 1 changed" in capsys.readouterr().out
    assert mongo_db[ARTICLES].find_one({"_id": article.url})["category"] == "Cũ"

    assert run_reextract([*args, "--since", "2026-03-01"]) == 0
    assert "changed: 1" in capsys.readouterr().out
    assert mongo_db[ARTICLES].find_one({"_id": article.url})["category"] == "Thời sự"

    assert run_reextract(args) == 0
    assert "unchanged: 1" in capsys.readouterr().out
    assert run_reextract([*args[:4], "--source", "dantri"]) == 0
    assert "nothing stored matched" in capsys.readouterr().out


def test_reextract_dates_only_chooses_again_from_stored_candidates(
    mongo_server: str, mongo_db, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a fix to the date rules, the dates stage alone runs on the stored candidates: no page needed."""
    from crawler.store.schema import ARTICLES

    html = (PAGES / "vnexpress.html").read_bytes()
    article = run_flow(html, CASE["url"], fetched_at=datetime(2026, 3, 5, tzinfo=UTC)).article
    assert article is not None and article.published_at is not None
    assert article.extraction.date_candidates, "extraction keeps every candidate it found"
    stale = article.to_document()
    stale["published_at"] = datetime(2001, 1, 1, tzinfo=UTC)  # what an older date rule chose
    stale["published"] = {"displayed": "?", "source": "url", "precision": "day", "warnings": []}
    mongo_db[ARTICLES].insert_one(stale)
    args = ["--uri", mongo_server, "--database", mongo_db.name, "--dates-only"]

    assert run_reextract(args) == 0
    out = capsys.readouterr().out
    assert "changed: 1" in out and "published_at: 1 changed" in out
    stored = mongo_db[ARTICLES].find_one({"_id": article.url})
    assert stored["published_at"] == article.published_at
    assert stored["published"]["source"] == article.published.source
    assert stored["body"] == article.body  # nothing but the dates was touched
    assert run_reextract(args) == 0
    assert "unchanged: 1" in capsys.readouterr().out
