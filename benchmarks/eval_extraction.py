"""Extraction quality per set and field, ours against trafilatura: `python benchmarks/eval_extraction.py`.

Sets: the shared real pages (../shared/fixtures, or $VNNEWS_SHARED_DIR/fixtures) and our gold pages
(tests/crawler/extraction/gold) by era: old (2010–2014), 2015-2020, current, mobile (AMP and m.).
Systems: ours (a crawl's offline stages), rules_off (every outlet rule switched off: the generic
layer alone, what a redesign leaves us) and plain trafilatura.

`--update` raises the floors the tests hold (tests/crawler/extraction/quality_floors.json for the shared
pages, gold_floors.json for the gold sets) to today's scores; it never lowers one unless
`--allow-regression` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TESTS_DIR = REPO_ROOT / "tests" / "crawler" / "extraction"
GOLD_DIR = TESTS_DIR / "gold"
SHARED_FLOORS = TESTS_DIR / "quality_floors.json"
GOLD_FLOORS = TESTS_DIR / "gold_floors.json"
FLOORED_SYSTEMS = ("ours", "rules_off")  # the floors CI holds; trafilatura's scores are kept for reference


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fixtures", type=Path, default=None, help="folder holding TRUTH.jsonl and pages/")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold pages and their JSON")
    parser.add_argument(
        "--json", action="store_true", help="print the scores per system, set and field as JSON"
    )
    parser.add_argument("--ours-only", action="store_true", help="skip plain trafilatura")
    parser.add_argument("--per-outlet", action="store_true", help="also print each set per outlet")
    parser.add_argument("--failures", action="store_true", help="list the pages each field failed on (ours)")
    parser.add_argument("--update", action="store_true", help="raise the floors files to today's scores")
    parser.add_argument("--allow-regression", action="store_true", help="with --update: floors may go down")
    return parser.parse_args(argv)


def _update(path: Path, summaries: dict[str, dict[str, dict[str, float]]], allow_regression: bool) -> None:
    from crawler.evaluate import raised_floors

    floors = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for name in FLOORED_SYSTEMS:
        if name in summaries:
            floors[name] = raised_floors(
                floors.get(name, {}), summaries[name], allow_regression=allow_regression
            )
    if "trafilatura" in summaries:
        floors["trafilatura_at_pinning"] = summaries["trafilatura"]
    path.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"floors written: {path.relative_to(REPO_ROOT)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    shared = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared"))
    fixtures = args.fixtures or shared / "fixtures"
    sys.path.insert(0, str(REPO_ROOT))
    from crawler.evaluate import evaluate, failures, load_gold, load_shared, report_set, summary

    systems = ("ours", "rules_off") if args.ours_only else ("ours", "rules_off", "trafilatura")
    groups = {}
    if (fixtures / "TRUTH.jsonl").is_file():
        groups["shared"] = (load_shared(fixtures), SHARED_FLOORS)
    else:
        print(f"no TRUTH.jsonl under {fixtures}: the shared set is skipped", file=sys.stderr)
    groups["gold"] = (load_gold(args.gold), GOLD_FLOORS)
    output: dict[str, dict[str, dict[str, float]]] = {}
    for group, (cases, floors_path) in groups.items():
        started = time.perf_counter()
        scores = evaluate(cases, systems)
        seconds = time.perf_counter() - started
        summaries = {name: summary(s) for name, s in scores.items()}
        for name, sets in summaries.items():
            output.setdefault(name, {}).update(sets)
        if not args.json:
            print(f"# {group}: {len(cases)} pages, {len(systems)} systems, {seconds:.1f} s\n")
            for set_name in scores["ours"].sets():
                print(report_set(scores, set_name, per_outlet=args.per_outlet))
                if args.failures:
                    print("our failures:", *failures(scores["ours"], set_name), sep="\n")
                print()
        if args.update:
            _update(floors_path, summaries, args.allow_regression)
    if args.json:
        print(json.dumps(output, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
