"""Score our extraction and plain trafilatura against what a reader sees (../shared/fixtures).

Fields: title exact, authors exact, published time to the minute, lead, category, first and last
body sentence present, and a clean body (no listed boilerplate, caption or byline inside it).
Both systems are scored by the same comparison functions; text is compared after NFC and whitespace
collapsing, sentences and boilerplate after folding (case, diacritics and punctuation ignored).
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.extraction.vietnamese import fold, split_caption, squash
from crawler.items import FetchedPage
from crawler.pipelines import PageFlow

FIELDS = (
    "title",
    "authors",
    "published",
    "lead",
    "category",
    "first_sentence",
    "last_sentence",
    "clean_body",
)
FETCHED_AT = datetime(2026, 8, 1, tzinfo=UTC)  # after every fixture; the fetch time is never a date
_QUOTED = re.compile(r"'([^']{2,})'")
_END_MARK = re.compile(r"\s*\.?/\.\s*$")


@dataclass
class Output:
    """One system's reading of one page, in the terms the truth uses."""

    title: str | None = None
    authors: list[str] | None = None
    published: datetime | None = None
    lead: str | None = None
    dateline: str | None = None
    category: str | None = None
    body: str = ""


@dataclass
class Scores:
    """Per field: list of (outlet, passed) over pages where the truth defines the field."""

    results: dict[str, list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, field_name: str, outlet: str, passed: bool | None, file: str) -> None:
        if passed is None:
            return
        self.results[field_name].append((outlet, passed))
        if not passed:
            self.failures[field_name].append(file)

    def score(self, field_name: str, outlet: str | None = None) -> float | None:
        rows = [ok for o, ok in self.results.get(field_name, []) if outlet is None or o == outlet]
        return sum(rows) / len(rows) if rows else None


def _sentence(text: str) -> str:
    return fold(_END_MARK.sub("", text))


def _minute(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(second=0, microsecond=0) if value else None


def _snippets(truth: dict[str, Any]) -> list[str]:
    """Quoted text of what the truth lists as not-article, plus captions and bylines."""
    found = [
        m for item in truth.get("boilerplate_inside_article_container") or [] for m in _QUOTED.findall(item)
    ]
    captions = truth.get("image_captions") or []
    first = fold(truth.get("first_body_sentence") or "")
    if not any(first and first in fold(c) for c in captions):  # photo stories: the captions are the text
        found += [split_caption(c)[0] or c for c in captions]
    return [s for s in found if fold(s)]


def _clean(body: str, truth: dict[str, Any]) -> bool:
    lines = {fold(line) for line in body.split("\n") if fold(line)}
    body_fold = fold(body)
    for snippet in _snippets(truth):
        folded = fold(snippet)
        if (len(folded) >= 25 and folded in body_fold) or folded in lines:
            return False
    return all(fold(author) not in lines for author in truth.get("authors") or [])


def compare(truth: dict[str, Any], out: Output) -> dict[str, bool | None]:
    """Pass/fail per field; None where the truth does not define the field."""
    result: dict[str, bool | None] = dict.fromkeys(FIELDS)
    result["title"] = squash(out.title) == squash(truth["title"])
    if truth.get("authors") is not None:
        result["authors"] = [squash(a) for a in out.authors or []] == [squash(a) for a in truth["authors"]]
    if truth.get("published_iso"):
        result["published"] = _minute(out.published) == _minute(
            datetime.fromisoformat(truth["published_iso"])
        )
    if truth.get("lead"):
        want = fold(truth["lead"])
        result["lead"] = want in {fold(out.lead or ""), fold((out.dateline or "") + (out.lead or ""))}
    if truth.get("category"):
        result["category"] = fold(out.category or "") == fold(truth["category"]) and bool(out.category)
    body = fold(out.body)
    if truth.get("first_body_sentence"):
        result["first_sentence"] = _sentence(truth["first_body_sentence"]) in body
    if truth.get("last_body_sentence"):
        result["last_sentence"] = _sentence(truth["last_body_sentence"]) in body
    result["clean_body"] = _clean(out.body, truth) if out.body else False
    return result


def ours(html: bytes, url: str, flow: PageFlow | None = None) -> Output:
    """vnnews as a crawl runs it: the offline stages of ITEM_PIPELINES (extract, dates, normalise)."""
    result = (flow or _flow()).run(FetchedPage(url=url, body=html, fetched_at=FETCHED_AT))
    a = result.article
    if a is None:
        return Output()
    return Output(a.title, a.authors, a.published_at, a.lead, a.dateline, a.category, a.body)


@functools.cache
def _flow() -> PageFlow:
    return PageFlow()


def plain_trafilatura(html: bytes, url: str) -> Output:
    """trafilatura as a user would call it: bare_extraction with metadata, default settings.

    Only the date output format is set, so that its time of day (when it finds one) can be scored.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        date_extraction_params={
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            "original_date": True,
            "extensive_search": True,
        },
    )
    if doc is None:
        return Output()
    published = None
    if doc.date:
        try:
            published = datetime.fromisoformat(doc.date)
            if published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
        except ValueError:
            published = None
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    category = " > ".join(doc.categories) if doc.categories else None
    return Output(doc.title, authors, published, doc.description, None, category, doc.text or "")


SYSTEMS: dict[str, Callable[[bytes, str], Output]] = {"ours": ours, "trafilatura": plain_trafilatura}


def load_truth(fixtures: Path) -> list[dict[str, Any]]:
    with (fixtures / "TRUTH.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(fixtures: Path, systems: Iterable[str] = ("ours", "trafilatura")) -> dict[str, Scores]:
    """Scores per system over every page listed in TRUTH.jsonl."""
    truths = load_truth(fixtures)
    all_scores: dict[str, Scores] = {}
    for name in systems:
        scores = Scores()
        for truth in truths:
            html = (fixtures / "pages" / truth["file"]).read_bytes()
            for field_name, passed in compare(truth, SYSTEMS[name](html, truth["url"])).items():
                scores.add(field_name, truth["outlet"], passed, truth["file"])
        all_scores[name] = scores
    return all_scores


def _pct(value: float | None) -> str:
    return "  –  " if value is None else f"{100 * value:5.1f}"


def report(all_scores: dict[str, Scores]) -> str:
    """Per-field and per-outlet tables, ours vs trafilatura."""
    names = list(all_scores)
    lines = ["field            " + "  ".join(f"{n:>11}" for n in names)]
    for f in FIELDS:
        lines.append(f"{f:<16} " + "  ".join(f"{_pct(all_scores[n].score(f)):>11}" for n in names))
    outlets = sorted({o for s in all_scores.values() for rows in s.results.values() for o, _ in rows})
    lines += [
        "",
        "per outlet (" + " / ".join(names) + "):",
        "outlet       " + " ".join(f"{f[:11]:>13}" for f in FIELDS),
    ]
    for outlet in outlets:
        cells = []
        for f in FIELDS:
            values = [all_scores[n].score(f, outlet) for n in names]
            cells.append("/".join("–" if v is None else f"{round(100 * v)}" for v in values))
        lines.append(f"{outlet:<12} " + " ".join(f"{c:>13}" for c in cells))
    failures = all_scores.get("ours")
    if failures and any(failures.failures.values()):
        lines += ["", "our failures:"]
        lines += [f"  {f}: {', '.join(files)}" for f, files in failures.failures.items() if files]
    return "\n".join(lines)


def summary(scores: Scores) -> dict[str, float]:
    """Overall score per field, for the floors file."""
    return {f: round(s, 4) for f in FIELDS if (s := scores.score(f)) is not None}
