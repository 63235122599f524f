"""Quality floors on the shared real pages: a change that lowers any field's score fails here.

quality_floors.json holds, per system, today's score of every field: `ours` (a crawl's offline stages)
and `rules_off` (every outlet rule switched off: the generic layer alone, what a redesign leaves us).
`python benchmarks/eval_extraction.py --update` raises them; a floor is never lowered to make a test
pass (`--allow-regression` exists for a reviewed exception).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.evaluate import EPSILON, FIELDS, SHARED_SET, below_floors, evaluate, load_shared, summary

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))
FLOORED = ("ours", "rules_off")


@pytest.fixture(scope="module")
def scores(shared_fixtures: Path) -> dict[str, dict[str, float]]:
    results = evaluate(load_shared(shared_fixtures), (*FLOORED, "trafilatura"))
    return {name: summary(s)[SHARED_SET] for name, s in results.items()}


@pytest.mark.shared
@pytest.mark.parametrize("system", FLOORED)
def test_every_field_at_or_above_its_floor(scores: dict[str, dict[str, float]], system: str) -> None:
    assert not below_floors({SHARED_SET: scores[system]}, FLOORS[system]), scores[system]


@pytest.mark.shared
@pytest.mark.parametrize("field", FIELDS)
def test_field_at_or_above_plain_trafilatura(scores: dict[str, dict[str, float]], field: str) -> None:
    if field not in scores["trafilatura"]:
        pytest.skip(f"plain trafilatura reports no {field}")
    assert scores["ours"][field] >= scores["trafilatura"][field] - EPSILON
