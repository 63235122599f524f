"""Every outlet against its own small page (written for these tests) and the expected JSON beside it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawler.outlets import OUTLETS, outlet_for_url
from tests.factories import run_flow

PAGES = Path(__file__).parent / "pages"
CASES = sorted(p.stem for p in PAGES.glob("*.json"))


def test_every_outlet_has_a_page() -> None:
    """An outlet with selectors must have a page that exercises them (bnews/vnanet have none yet)."""
    without_rules = {"bnews", "vnanet"}
    assert set(OUTLETS) - without_rules <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_outlet_page(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    html = (PAGES / f"{name}.html").read_bytes()
    result = run_flow(html, expected["url"], fetched_at=datetime.fromisoformat(expected["fetched_at"]))
    assert result.page_type == expected["page_type"]
    if result.article is None:
        assert result.error == expected["error"]
        return
    doc = result.article.to_document()
    for field in (
        "outlet",
        "title",
        "lead",
        "dateline",
        "authors",
        "credit",
        "category",
        "tags",
        "body",
        "images",
    ):
        assert doc[field] == expected[field], field
    for field in ("published_at", "modified_at"):
        value = doc[field]
        assert (value.isoformat() if value else None) == expected[field], field
    assert result.article.raw is not None and result.article.raw.body == html


def test_outlet_ids_and_domains() -> None:
    assert outlet_for_url("https://m.vnexpress.net/abc-1.html") == "vnexpress"
    assert outlet_for_url("https://www.vietnamplus.vn/x-post1.vnp") == "vietnamplus"
    assert outlet_for_url("https://zingnews.vn/x.html") == "znews"
    assert outlet_for_url("https://www.baodiaphuong.example.vn/x") == "baodiaphuong.example.vn"
    assert OUTLETS["dantri"].domains == ("dantri.com.vn",)
    assert len(OUTLETS) == 17
