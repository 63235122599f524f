"""Score extraction against what a reader sees, per set of pages and per field, ours against others.

Sets: the shared real pages (../shared/fixtures, TRUTH.jsonl) and our own gold pages
(tests/crawler/extraction/gold, one JSON beside each page) grouped by era. Systems: vnnews as a crawl
runs it, vnnews with every outlet rule switched off (the generic layer alone: what a redesign leaves
us), and plain trafilatura. Every system is scored by the same comparison functions; text is compared
after NFC and whitespace collapsing, sentences and boilerplate after folding (case, diacritics and
punctuation ignored), times to the minute.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from crawler.extraction import NEWS_TYPES, ExtractionResult, extract_article
from crawler.extraction.vietnamese import fold, split_caption, squash
from crawler.items import Article, FetchedPage
from crawler.outlets import GENERIC_RULES
from crawler.pipelines import PageFlow
from crawler.pipelines.extract import ExtractPipeline

FIELDS = (
    "page_type",
    "title",
    "authors",
    "credit",
    "published",
    "modified",
    "lead",
    "category",
    "first_sentence",
    "last_sentence",
    "clean_body",
)
SHARED_SET = "shared"
# Gold sets by the era of the layout a page mirrors; the era is the second part of the file name.
GOLD_SETS = ("old", "2015-2020", "current", "mobile")
_MOBILE_ERAS = ("amp", "mobile")
_OLD_LAST_YEAR = 2014  # 2010–2014: table and early div layouts
_MID_LAST_YEAR = 2020  # 2015–2020: the first responsive redesigns
FETCHED_AT = datetime(2026, 8, 1, tzinfo=UTC)  # after every shared page; the fetch time is never a date
EPSILON = 1e-9  # floors are compared with this slack (scores are ratios of small integers)
_QUOTED = re.compile(r"'([^']{2,})'")
_END_MARK = re.compile(r"\s*\.?/\.\s*$")
_CREDIT_LABEL = re.compile(r"^\s*(?:theo|nguồn\s*:|source\s*:)\s*", re.IGNORECASE)
# A boilerplate snippet this long (folded) must not occur anywhere in the body; shorter ones must not
# be a whole line of it (a short tag or menu word may well occur inside a sentence).
_SNIPPET_ANYWHERE = 25


@dataclass(frozen=True)
class Truth:
    """What a reader sees on one page: the fields every system is scored against.

    None means the page does not show the field, and the field is not scored on that page;
    `authors == []` means only a source is credited.
    """

    file: str
    url: str
    outlet: str
    set: str
    title: str
    fetched_at: datetime = FETCHED_AT
    page_type: str | None = None  # None: a news item of any type (TRUTH.jsonl does not say which)
    lead: str | None = None
    authors: list[str] | None = None
    credit: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    category: str | None = None
    first_sentence: str | None = None
    last_sentence: str | None = None
    not_in_body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One page to score: its truth and its bytes."""

    truth: Truth
    html: bytes


@dataclass
class Output:
    """One system's reading of one page, in the terms the truth uses.

    `unreported` names fields the system has no notion of (trafilatura knows no credit): not scored.
    """

    page_type: str | None = None
    title: str | None = None
    authors: list[str] | None = None
    credit: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    lead: str | None = None
    dateline: str | None = None
    category: str | None = None
    body: str = ""
    unreported: tuple[str, ...] = ()


@dataclass
class Scores:
    """Per (set, field): list of (outlet, passed) over pages where the truth defines the field."""

    results: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, truth: Truth, field_name: str, passed: bool | None) -> None:
        if passed is None:
            return
        self.results[truth.set, field_name].append((truth.outlet, passed))
        if not passed:
            self.failures[truth.set, field_name].append(truth.file)

    def score(self, set_name: str, field_name: str, outlet: str | None = None) -> float | None:
        rows = [ok for o, ok in self.results.get((set_name, field_name), []) if outlet in (None, o)]
        return sum(rows) / len(rows) if rows else None

    def overall(self, set_name: str) -> float | None:
        """Share of every scored field of every page in the set ("95% of fields")."""
        rows = [ok for (s, _), values in self.results.items() if s == set_name for _, ok in values]
        return sum(rows) / len(rows) if rows else None

    def sets(self) -> list[str]:
        present = {s for s, _ in self.results}
        return [s for s in (SHARED_SET, *GOLD_SETS) if s in present]

    def outlets(self, set_name: str) -> list[str]:
        return sorted({o for (s, _), rows in self.results.items() if s == set_name for o, _ in rows})


# --- loading the truth -------------------------------------------------------------------------


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _shared_snippets(line: dict[str, Any]) -> tuple[str, ...]:
    """Quoted text of what the truth lists as not-article, plus captions (bylines are added later)."""
    found = [
        m for item in line.get("boilerplate_inside_article_container") or [] for m in _QUOTED.findall(item)
    ]
    captions = line.get("image_captions") or []
    first = fold(line.get("first_body_sentence") or "")
    if not any(first and first in fold(c) for c in captions):  # photo stories: the captions are the text
        found += [split_caption(c)[0] or c for c in captions]
    return tuple(s for s in found if fold(s))


def load_shared(fixtures: Path) -> list[Case]:
    """The real pages of ../shared/fixtures with their TRUTH.jsonl lines."""
    cases = []
    with (fixtures / "TRUTH.jsonl").open(encoding="utf-8") as fh:
        for line in (json.loads(text) for text in fh if text.strip()):
            truth = Truth(
                file=line["file"],
                url=line["url"],
                outlet=line["outlet"],
                set=SHARED_SET,
                title=line["title"],
                lead=line.get("lead"),
                authors=line.get("authors"),
                credit=line.get("agency_or_source"),
                published=_time(line.get("published_iso")),
                modified=_time(line.get("modified_iso")),
                category=line.get("category"),
                first_sentence=line.get("first_body_sentence"),
                last_sentence=line.get("last_body_sentence"),
                not_in_body=_shared_snippets(line),
            )
            cases.append(Case(truth, (fixtures / "pages" / line["file"]).read_bytes()))
    return cases


def gold_set(name: str) -> str:
    """The set of a gold page from its name `<outlet>_<era>[_<kind>]`: era a year, `amp` or `mobile`."""
    era = name.split("_")[1]
    if era in _MOBILE_ERAS:
        return "mobile"
    year = int(era)
    return "old" if year <= _OLD_LAST_YEAR else "2015-2020" if year <= _MID_LAST_YEAR else "current"


def gold_truth(name: str, doc: Mapping[str, Any]) -> Truth:
    """A gold page's JSON (tests/crawler/extraction/gold/README.md lists its keys) as a Truth."""
    return Truth(
        file=f"{name}.html",
        url=doc["url"],
        outlet=doc["outlet"],
        set=gold_set(name),
        title=doc["title"],
        fetched_at=datetime.fromisoformat(doc["fetched_at"]),
        page_type=doc["page_type"],
        lead=doc.get("lead"),
        authors=doc.get("authors"),
        credit=doc.get("credit"),
        published=_time(doc.get("published_at")),
        modified=_time(doc.get("modified_at")),
        category=doc.get("category"),
        first_sentence=doc.get("first_body_sentence"),
        last_sentence=doc.get("last_body_sentence"),
        not_in_body=tuple(doc.get("not_in_body") or ()),
    )


def load_gold(folder: Path) -> list[Case]:
    """Every `<name>.html` of the gold folder with the `<name>.json` beside it."""
    cases = []
    for page in sorted(folder.glob("*.html")):
        doc = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        cases.append(Case(gold_truth(page.stem, doc), page.read_bytes()))
    return cases


# --- comparing -----------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    return fold(_END_MARK.sub("", text))


def _minute(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(second=0, microsecond=0) if value else None


def _credit(value: str | None) -> str:
    """A credit without its label and brackets: "Theo Tiền Phong" and "(Tiền Phong)" are one credit."""
    return fold(_CREDIT_LABEL.sub("", squash(value).strip("() ")))


def _clean(body: str, truth: Truth) -> bool:
    lines = {fold(line) for line in body.split("\n") if fold(line)}
    body_fold = fold(body)
    for snippet in truth.not_in_body:
        folded = fold(snippet)
        if (len(folded) >= _SNIPPET_ANYWHERE and folded in body_fold) or folded in lines:
            return False
    return all(fold(author) not in lines for author in truth.authors or [])


def _text_fields(truth: Truth, out: Output) -> dict[str, bool | None]:
    result: dict[str, bool | None] = {"title": squash(out.title) == squash(truth.title)}
    if truth.lead:
        want = fold(truth.lead)
        result["lead"] = want in {fold(out.lead or ""), fold((out.dateline or "") + (out.lead or ""))}
    if truth.category:
        result["category"] = bool(out.category) and fold(out.category or "") == fold(truth.category)
    body = fold(out.body)
    if truth.first_sentence:
        result["first_sentence"] = _sentence(truth.first_sentence) in body
    if truth.last_sentence:
        result["last_sentence"] = _sentence(truth.last_sentence) in body
    result["clean_body"] = _clean(out.body, truth) if out.body else False
    return result


def compare(truth: Truth, out: Output) -> dict[str, bool | None]:
    """Pass/fail per field; None where the truth does not define it or the system does not report it."""
    result: dict[str, bool | None] = dict.fromkeys(FIELDS)
    want_types = NEWS_TYPES if truth.page_type is None else (truth.page_type,)
    result["page_type"] = out.page_type in want_types
    if truth.authors is not None:
        result["authors"] = [squash(a) for a in out.authors or []] == [squash(a) for a in truth.authors]
    if truth.credit:
        result["credit"] = bool(out.credit) and _credit(out.credit) == _credit(truth.credit)
    if truth.published:
        result["published"] = _minute(out.published) == _minute(truth.published)
    if truth.modified:
        result["modified"] = _minute(out.modified) == _minute(truth.modified)
    result.update(_text_fields(truth, out))
    for name in out.unreported:
        result[name] = None
    return result


# --- the systems ---------------------------------------------------------------------------------


def _output(result: ExtractionResult) -> Output:
    a: Article | None = result.article
    if a is None:
        return Output(page_type=result.page_type)  # refused: every field of the page is lost
    return Output(
        a.page_type,
        a.title,
        a.authors,
        a.credit,
        a.published_at,
        a.modified_at,
        a.lead,
        a.dateline,
        a.category,
        a.body,
    )


@functools.cache
def _flow() -> PageFlow:
    return PageFlow()


def ours(html: bytes, url: str, fetched_at: datetime = FETCHED_AT) -> Output:
    """vnnews as a crawl runs it: the offline stages of ITEM_PIPELINES (extract, dates, normalise)."""
    return _output(_flow().run(FetchedPage(url=url, body=html, fetched_at=fetched_at)))


def rules_off(html: bytes, url: str, fetched_at: datetime = FETCHED_AT) -> Output:
    """vnnews with every outlet rule switched off: extraction with GENERIC_RULES, then the same later
    offline stages of ITEM_PIPELINES (dates, normalise). The outlet id still comes from the URL."""
    result = extract_article(html, url, fetched_at=fetched_at, rules=GENERIC_RULES)
    if result.article is None or result.page_type not in NEWS_TYPES:
        return _output(result)
    item: Any = result.article
    for stage in _flow().stages:
        if not isinstance(stage, ExtractPipeline):
            item = stage.process_item(item)
    return _output(ExtractionResult(item.page_type, item, None, item.outlet))


def plain_trafilatura(html: bytes, url: str, fetched_at: datetime = FETCHED_AT) -> Output:
    """trafilatura as a user would call it: bare_extraction with metadata, default settings.

    Only the date output format is set, so that its time of day (when it finds one) can be scored.
    It has no page type, credit or modified time: those are not scored for it.
    """
    import trafilatura
    from trafilatura.settings import Document

    # as_dict=False (the default) returns a Document; trafilatura's annotation names both shapes
    doc = cast(
        Document | None,
        trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            date_extraction_params={
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                "original_date": True,
                "extensive_search": True,
                "max_date": fetched_at.strftime("%Y-%m-%d"),
            },
        ),
    )
    unreported = ("page_type", "credit", "modified")
    if doc is None:
        return Output(unreported=unreported)
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
    return Output(
        title=doc.title,
        authors=authors,
        published=published,
        lead=doc.description,
        category=category,
        body=doc.text or "",
        unreported=unreported,
    )


System = Callable[[bytes, str, datetime], Output]
SYSTEMS: dict[str, System] = {"ours": ours, "rules_off": rules_off, "trafilatura": plain_trafilatura}


def evaluate(cases: Iterable[Case], systems: Iterable[str] = ("ours", "trafilatura")) -> dict[str, Scores]:
    """Scores per system over every case."""
    cases = list(cases)
    all_scores: dict[str, Scores] = {}
    for name in systems:
        scores = Scores()
        for case in cases:
            out = SYSTEMS[name](case.html, case.truth.url, case.truth.fetched_at)
            for field_name, passed in compare(case.truth, out).items():
                scores.add(case.truth, field_name, passed)
        all_scores[name] = scores
    return all_scores


# --- reporting and floors ------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "  –  " if value is None else f"{100 * value:5.1f}"


def _counts(scores: Scores, set_name: str, field_name: str) -> str:
    rows = scores.results.get((set_name, field_name), [])
    return f"{sum(ok for _, ok in rows)}/{len(rows)}" if rows else "–"


def report_set(all_scores: Mapping[str, Scores], set_name: str, *, per_outlet: bool = False) -> str:
    """One set: per field, each system's score in % and passed/scored pages."""
    names = [n for n in all_scores if (set_name, "title") in all_scores[n].results]
    lines = [f"== {set_name} ==", f"{'field':<15}" + "".join(f"{n:>20}" for n in names)]
    for f in (*FIELDS, "all fields"):
        cells = []
        for n in names:
            s = all_scores[n]
            value = s.overall(set_name) if f == "all fields" else s.score(set_name, f)
            count = "" if f == "all fields" else f" {_counts(s, set_name, f):>6}"
            cells.append(f"{_pct(value)}{count}")
        lines.append(f"{f:<15}" + "".join(f"{c:>20}" for c in cells))
    if per_outlet:
        lines += [
            "",
            f"per outlet ({' / '.join(names)}):",
            "outlet      " + "".join(f"{f[:11]:>14}" for f in FIELDS),
        ]
        for outlet in all_scores[names[0]].outlets(set_name):
            cells = []
            for f in FIELDS:
                values = [all_scores[n].score(set_name, f, outlet) for n in names]
                cells.append("/".join("–" if v is None else f"{round(100 * v)}" for v in values))
            lines.append(f"{outlet[:11]:<12}" + "".join(f"{c:>14}" for c in cells))
    return "\n".join(lines)


def failures(scores: Scores, set_name: str) -> list[str]:
    """`field: page, page…` for every field the system failed on some page of the set."""
    return [
        f"  {f}: {', '.join(files)}"
        for (s, f), files in sorted(scores.failures.items())
        if s == set_name and files
    ]


def summary(scores: Scores) -> dict[str, dict[str, float]]:
    """Score per set and field, for the floors files."""
    return {
        s: {f: round(v, 4) for f in FIELDS if (v := scores.score(s, f)) is not None} for s in scores.sets()
    }


def below_floors(
    measured: Mapping[str, Mapping[str, float]], floors: Mapping[str, Mapping[str, float]]
) -> list[str]:
    """Every set/field measured below its floor, or measured with no floor recorded."""
    problems = []
    for set_name, fields in measured.items():
        for f, value in fields.items():
            floor = floors.get(set_name, {}).get(f)
            if floor is None:
                problems.append(f"{set_name}/{f}: {value:.4f} has no floor (run eval_extraction.py --update)")
            elif value < floor - EPSILON:
                problems.append(f"{set_name}/{f}: {value:.4f} below the floor {floor:.4f}")
    return problems


def raised_floors(
    floors: Mapping[str, Mapping[str, float]],
    measured: Mapping[str, Mapping[str, float]],
    *,
    allow_regression: bool = False,
) -> dict[str, dict[str, float]]:
    """Floors raised to what was measured; a floor is lowered only with `allow_regression`."""
    new = {s: dict(fields) for s, fields in floors.items()}
    for set_name, fields in measured.items():
        row = new.setdefault(set_name, {})
        for f, value in fields.items():
            old = row.get(f)
            row[f] = value if old is None or allow_regression else max(old, value)
    return {
        s: dict(sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0])))
        for s, fields in sorted(new.items())
    }
