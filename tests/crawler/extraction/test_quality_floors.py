"""Quality floors on the shared real pages: a change that lowers any field's score fails here.

Raising a floor is a reviewed commit to quality_floors.json (never lowered to make a test pass).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.evaluate import FIELDS, evaluate, summary

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))
EPSILON = 1e-9


@pytest.fixture(scope="module")
def scores(shared_fixtures: Path) -> dict[str, dict[str, float]]:
    return {name: summary(s) for name, s in evaluate(shared_fixtures).items()}


@pytest.mark.shared
@pytest.mark.parametrize("field", FIELDS)
def test_field_at_or_above_floor(scores: dict[str, dict[str, float]], field: str) -> None:
    assert scores["ours"][field] >= FLOORS["ours"][field] - EPSILON, scores["ours"]


@pytest.mark.shared
@pytest.mark.parametrize("field", FIELDS)
def test_field_at_or_above_plain_trafilatura(scores: dict[str, dict[str, float]], field: str) -> None:
    assert scores["ours"][field] >= scores["trafilatura"].get(field, 0.0) - EPSILON
