"""Precision and recall of story matching per threshold, on pairs built from the real fixture pages.

    .venv/bin/python benchmarks/eval_stories.py [--shared ../shared/fixtures] [--k 3 4 5]

Builds the labelled pairs of `crawler.stories.evaluation` (edited reprints of each fixture article,
hard negatives on one event or topic, shared quotes), sweeps the threshold on the estimated Jaccard
and prints the table documented in docs/stories.md, with the threshold the sweep picks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.stories.core import DEFAULT_THRESHOLD
from crawler.stories.evaluation import (
    build_pairs,
    choose_threshold,
    fixture_texts,
    max_negative_score,
    recall_by_edit,
    sample_texts,
    score_pairs,
    sweep,
)
from crawler.stories.fingerprint import SHINGLE_SIZE

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    p.add_argument("--k", type=int, nargs="+", default=[SHINGLE_SIZE], help="shingle sizes to compare")
    args = p.parse_args(argv)

    bases = fixture_texts(args.shared) + sample_texts()
    pairs = build_pairs(bases)
    pos = sum(p.same for p in pairs)
    print(f"{len(bases)} base articles, {pos} positive and {len(pairs) - pos} negative pairs")
    for k in args.k:
        scored = score_pairs(pairs, k)
        rows = sweep(scored)
        chosen = choose_threshold(rows)
        print(f"\nshingles of {k} syllables")
        print("| threshold | precision | recall | F1 | false merges | missed |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            mark = " ←" if abs(r.threshold - DEFAULT_THRESHOLD) < 1e-9 and k == SHINGLE_SIZE else ""
            cells = [f"{r.threshold:.2f}{mark}", f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}"]
            print("| " + " | ".join([*cells, str(r.fp), str(r.fn)]) + " |")
        print(f"chosen by the sweep: {chosen:.2f} (pinned default {DEFAULT_THRESHOLD:.2f})")
        print("recall per edit at the pinned threshold:")
        for edit, rec in recall_by_edit(scored, DEFAULT_THRESHOLD).items():
            print(f"  {edit:32s} {rec:.3f}")
        for kind in ("same-event", "same-topic", "shared quote", "unrelated"):
            print(f"highest score of a {kind} negative: {max_negative_score(scored, kind):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
