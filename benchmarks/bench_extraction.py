"""Extraction speed: `python benchmarks/bench_extraction.py [--rounds N]`.

Times `extract_article` (with outlet rules, and with the generic layer alone) against plain
trafilatura (`bare_extraction` with metadata, as a user would call it) on the same pages: the shared
real pages (../shared/fixtures, or $VNNEWS_SHARED_DIR) and the gold pages (tests/crawler/extraction/gold).
Prints milliseconds per page for each and the ratio to trafilatura. Figures depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FETCHED_AT = datetime(2026, 8, 1, tzinfo=UTC)


def pages() -> list[tuple[bytes, str]]:
    """(html, url) of every shared and gold page found."""
    found: list[tuple[bytes, str]] = []
    fixtures = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared")) / "fixtures"
    if (fixtures / "TRUTH.jsonl").is_file():
        for line in (fixtures / "TRUTH.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                truth = json.loads(line)
                found.append(((fixtures / "pages" / truth["file"]).read_bytes(), truth["url"]))
    for expected in sorted((REPO_ROOT / "tests/crawler/extraction/gold").glob("*.json")):
        page = expected.with_suffix(".html")
        if page.is_file():
            found.append((page.read_bytes(), json.loads(expected.read_text(encoding="utf-8"))["url"]))
    return found


def per_page_ms(run: Callable[[bytes, str], object], corpus: list[tuple[bytes, str]], rounds: int) -> float:
    """The median over rounds of the mean time per page, in milliseconds."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for html, url in corpus:
            run(html, url)
        times.append((time.perf_counter() - started) * 1000 / len(corpus))
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    import trafilatura

    from crawler.extraction import extract_article
    from crawler.outlets import GENERIC_RULES

    corpus = pages()
    if not corpus:
        print("no pages found", file=sys.stderr)
        return 2
    systems: dict[str, Callable[[bytes, str], object]] = {
        "trafilatura (baseline)": lambda h, u: trafilatura.bare_extraction(h, url=u, with_metadata=True),
        "vnnews extract_article": lambda h, u: extract_article(h, u, fetched_at=FETCHED_AT),
        "vnnews, outlet rules off": lambda h, u: extract_article(
            h, u, fetched_at=FETCHED_AT, rules=GENERIC_RULES
        ),
    }
    print(f"{len(corpus)} pages, median of {args.rounds} rounds (indicative: the machine is shared)")
    baseline = None
    for name, run in systems.items():
        ms = per_page_ms(run, corpus, args.rounds)
        baseline = baseline or ms
        print(f"{name:<28} {ms:8.1f} ms/page   {ms / baseline:5.2f}x trafilatura")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
