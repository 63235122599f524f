"""Evaluate extraction on the shared real pages: `python benchmarks/eval_extraction.py [--json]`.

Finds ../shared/fixtures relative to the repository root (or $VNNEWS_SHARED_DIR/fixtures).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixtures", type=Path, default=None, help="folder holding TRUTH.jsonl and pages/")
    parser.add_argument("--json", action="store_true", help="print overall scores per system as JSON")
    parser.add_argument("--ours-only", action="store_true", help="skip plain trafilatura")
    args = parser.parse_args(argv)
    shared = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared"))
    fixtures = args.fixtures or shared / "fixtures"
    if not (fixtures / "TRUTH.jsonl").is_file():
        print(f"no TRUTH.jsonl under {fixtures}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO_ROOT))
    from crawler.evaluate import evaluate, report, summary

    systems = ("ours",) if args.ours_only else ("ours", "trafilatura")
    scores = evaluate(fixtures, systems)
    if args.json:
        print(json.dumps({name: summary(s) for name, s in scores.items()}, indent=2))
    else:
        print(report(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
