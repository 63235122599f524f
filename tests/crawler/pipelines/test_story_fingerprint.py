"""The story fingerprint computed beside the extraction is the one story assignment would compute."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from crawler.items import FetchedPage
from crawler.normalize import normalize_article
from crawler.pipelines.extract import WorkerExtraction
from crawler.pipelines.stories import assignment_document
from crawler.stories.fingerprint import fingerprint

GOLD = Path(__file__).resolve().parents[1] / "extraction" / "gold"


def _article(name: str):  # type: ignore[no-untyped-def]
    page = GOLD / f"{name}.html"
    url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["url"]
    result = WorkerExtraction()(FetchedPage(url, page.read_bytes(), datetime(2026, 8, 1, tzinfo=UTC)))
    assert result.article is not None
    return normalize_article(result.article)


def test_the_worker_fingerprint_is_the_one_of_the_normalised_body() -> None:
    for name in sorted(p.stem for p in GOLD.glob("*.html"))[:12]:
        article = _article(name)
        given = assignment_document(article)["fingerprint"]
        expected = fingerprint(article.body)
        assert given is not None, name
        assert np.array_equal(given.signature, expected.signature), name
        assert given.bands == expected.bands and given.syllable_count == expected.syllable_count


def test_a_body_changed_after_extraction_is_fingerprinted_again() -> None:
    article = _article(sorted(p.stem for p in GOLD.glob("*.html"))[0])
    changed = normalize_article(dataclasses.replace(article, body=article.body + "\nMột đoạn thêm vào sau."))
    assert assignment_document(changed)["fingerprint"] is None  # the stage computes it from this body


def test_the_fingerprint_is_never_stored() -> None:
    article = _article(sorted(p.stem for p in GOLD.glob("*.html"))[0])
    assert article.story_fingerprint is not None
    assert "story_fingerprint" not in article.to_document()
    assert article.story_fingerprint is not None  # given back after the document was made
