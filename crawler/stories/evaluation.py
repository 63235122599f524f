"""Measuring the story threshold: a labelled set of article pairs and a precision/recall sweep.

The set is built at run time from the real fixture pages (`../shared/fixtures`, read in place, never
copied) by applying the edits outlets make when they reprint agency copy, plus hard negatives:
different articles on one event (the dantri and thanhnien reports of the Lai Châu flash flood) and
the project's own same-topic texts (`crawler.stories.samples`). Text is extracted with trafilatura
because the project's own extraction is developed separately; a reprint goes through the same
extraction as its original, so the choice does not favour either side of a pair.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from pathlib import Path

from crawler.normalize import body_hash
from crawler.stories.fingerprint import SHINGLE_SIZE, Fingerprint, estimated_jaccard, fingerprint
from crawler.stories.samples import EXTRA_PARAGRAPHS, SAMPLES

THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))  # 0.10 … 0.90
SAME_EVENT = (
    "dantri/dantri_2026_07_17_mua-lu-lai-chau-co-lap.html",
    "thanhnien/thanhnien_2026_07_17_lu-quet-lai-chau.html",
)
_SENT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ỸĐ])")


@dataclass(frozen=True)
class Text:
    name: str  # base article id, plus the edit for variants
    base: str  # the article it derives from
    body: str
    group: str = ""  # topic / event: bases sharing a group are hard negatives of each other


@dataclass(frozen=True)
class Pair:
    a: Text
    b: Text
    same: bool
    kind: str  # the edit for positives; "same-event", "same-topic" or "unrelated" for negatives


# -- edits an outlet makes to a reprint -----------------------------------------------------------


def _paras(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def _join(paras: Iterable[str]) -> str:
    return "\n".join(paras)


def edit_dateline(body: str, rng: random.Random) -> str:
    return "(Dân trí) - " + body


def edit_agency(body: str, rng: random.Random) -> str:
    return "Hà Nội (TTXVN) - " + body + "\nTheo TTXVN"


def edit_byline(body: str, rng: random.Random) -> str:
    paras = _paras(body)
    if len(paras) > 2 and len(paras[-1].split()) <= 8:
        paras = paras[:-1]
    return _join([*paras, rng.choice(["Theo TTXVN", "Minh Anh (TTXVN)", "PV", "Nhóm phóng viên"])])


def edit_captions(body: str, rng: random.Random) -> str:
    paras = _paras(body)
    at = rng.randrange(1, len(paras) + 1)
    paras.insert(at, "Ảnh: Hoàng Hiếu/TTXVN")
    paras[0] = paras[0] + " (Ảnh minh họa)"
    return _join(paras)


def edit_cut(body: str, rng: random.Random) -> str:
    paras = _paras(body)
    if len(paras) > 2:
        del paras[rng.randrange(1, len(paras))]
    return _join(paras)


def edit_add(body: str, rng: random.Random) -> str:
    paras = _paras(body)
    paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(EXTRA_PARAGRAPHS))
    return _join(paras)


def edit_reorder(body: str, rng: random.Random) -> str:
    """Swap two paragraphs and shuffle the sentences of one."""
    paras = _paras(body)
    if len(paras) > 2:
        i, j = rng.sample(range(1, len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
    k = rng.randrange(len(paras))
    sentences = _SENT.split(paras[k])
    rng.shuffle(sentences)
    paras[k] = " ".join(sentences)
    return _join(paras)


_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uý": "úy", "uỳ": "ùy"}


def edit_spelling(body: str, rng: random.Random) -> str:
    """New-style tone placement (`hoà`→`hòa`), decomposed Unicode, a non-breaking space or two."""
    for old, new in _OLD_TONES.items():
        body = body.replace(old, new)
    return unicodedata.normalize("NFD", body).replace(" ", "\u00a0", 3)


_SYNONYMS = {
    "cho biết": "cho hay",
    "tuy nhiên": "tuy vậy",
    "hiện nay": "hiện tại",
    "khoảng": "chừng",
    "người dân": "bà con",
    "đã": "vừa",
}


def edit_synonyms(body: str, rng: random.Random) -> str:
    for old, new in _SYNONYMS.items():
        body = body.replace(old, new)
    return body


def edit_combined(body: str, rng: random.Random) -> str:
    return edit_dateline(edit_byline(edit_reorder(edit_add(edit_cut(body, rng), rng), rng), rng), rng)


def edit_two_thirds(body: str, rng: random.Random) -> str:
    """A condensed reprint: the first two thirds of the paragraphs."""
    paras = _paras(body)
    return _join(paras[: max(1, (2 * len(paras) + 2) // 3)])


def edit_half(body: str, rng: random.Random) -> str:
    """A short version: the first half of the paragraphs."""
    paras = _paras(body)
    return _join(paras[: max(1, (len(paras) + 1) // 2)])


def edit_heavy(body: str, rng: random.Random) -> str:
    """An outlet's own lead, two paragraphs cut, wording changed, reordered, its own closing."""
    paras = _paras(edit_synonyms(body, rng))
    for _ in range(2):
        if len(paras) > 3:
            del paras[rng.randrange(1, len(paras))]
    paras[0] = "Theo thông tin từ cơ quan chức năng, " + paras[0][:1].lower() + paras[0][1:]
    return edit_byline(edit_reorder(_join([*paras, EXTRA_PARAGRAPHS[0]]), rng), rng)


EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "exact (new title)": lambda body, rng: body,
    "dateline (Dân trí)": edit_dateline,
    "agency dateline + Theo TTXVN": edit_agency,
    "byline changed": edit_byline,
    "photo captions": edit_captions,
    "paragraph cut": edit_cut,
    "paragraph added": edit_add,
    "reordered": edit_reorder,
    "tone spelling + NFD": edit_spelling,
    "synonyms": edit_synonyms,
    "combined": edit_combined,
    "first two thirds": edit_two_thirds,
    "first half": edit_half,
    "heavy rewrite": edit_heavy,
}


# -- the sets ----------------------------------------------------------------------------------


def extract_body(html: str) -> str:
    """Body text of a saved page (trafilatura; comments and tables left out)."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    return text or ""


def fixture_texts(fixtures: Path, min_words: int = 80) -> list[Text]:
    """The real fixture articles with enough body text to reprint."""
    texts = []
    for line in (fixtures / "TRUTH.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        truth = json.loads(line)
        html = (fixtures / "pages" / truth["file"]).read_text(encoding="utf-8", errors="replace")
        body = extract_body(html)
        if len(body.split()) >= min_words:
            group = "lai-chau-flood" if truth["file"] in SAME_EVENT else truth["file"]
            texts.append(Text(truth["file"], truth["file"], body, group))
    return texts


def sample_texts() -> list[Text]:
    """The project's own texts: same-topic groups of different articles."""
    return [
        Text(f"sample:{topic}:{i}", f"sample:{topic}:{i}", "\n".join(paras), f"topic:{topic}")
        for topic, articles in SAMPLES.items()
        for i, paras in enumerate(articles)
    ]


def build_pairs(bases: Sequence[Text], seed: int = 6) -> list[Pair]:
    """Positives: each base with each edited reprint. Negatives: every pair of different bases and
    every pair of reprints of different bases that belong to one event or topic."""
    rng = random.Random(seed)
    variants: dict[str, list[Text]] = {}
    pairs: list[Pair] = []
    for base in bases:
        for edit, fn in EDITS.items():
            v = Text(f"{base.name} [{edit}]", base.base, fn(base.body, rng), base.group)
            variants.setdefault(base.base, []).append(v)
            pairs.append(Pair(base, v, True, edit))
    for a, b in combinations(bases, 2):
        kind = _negative_kind(a, b)
        pairs.append(Pair(a, b, False, kind))
        if kind != "unrelated":
            for va in variants[a.base]:
                for vb in variants[b.base]:
                    pairs.append(Pair(va, vb, False, kind))
            # Two reports quoting the same statement: one paragraph in common, still two stories.
            quoted = _join([*_paras(b.body), rng.choice(_paras(a.body)[1:] or _paras(a.body))])
            pairs.append(
                Pair(a, Text(f"{b.name} [quotes {a.name}]", b.base, quoted, b.group), False, "shared quote")
            )
    for a, b in pairwise(bases):
        quoted = _join([*_paras(b.body), rng.choice(_paras(a.body))])
        pairs.append(
            Pair(a, Text(f"{b.name} [quotes {a.name}]", b.base, quoted, b.group), False, "shared quote")
        )
    return pairs


def _negative_kind(a: Text, b: Text) -> str:
    if a.group != b.group:
        return "unrelated"
    return "same-topic" if a.group.startswith("topic:") else "same-event"


# -- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    pair: Pair
    exact: bool
    candidate: bool  # shares an LSH band: what the index would find
    score: float


def score_pairs(pairs: Sequence[Pair], k: int = SHINGLE_SIZE) -> list[Scored]:
    cache: dict[str, Fingerprint] = {}

    def fp(t: Text) -> Fingerprint:
        if t.name not in cache:
            cache[t.name] = fingerprint(t.body, k)
        return cache[t.name]

    out = []
    for p in pairs:
        fa, fb = fp(p.a), fp(p.b)
        exact = body_hash(p.a.body) == body_hash(p.b.body)
        candidate = bool(set(fa.bands) & set(fb.bands))
        out.append(Scored(p, exact, candidate, estimated_jaccard(fa.signature, fb.signature)))
    return out


def predicted(s: Scored, threshold: float) -> bool:
    """The index's decision: same normalised text, or an LSH candidate at or above the threshold."""
    return s.exact or (s.candidate and s.score >= threshold)


@dataclass(frozen=True)
class Row:
    threshold: float
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def sweep(scored: Sequence[Scored], thresholds: Iterable[float] = THRESHOLDS) -> list[Row]:
    rows = []
    for t in thresholds:
        tp = sum(1 for s in scored if s.pair.same and predicted(s, t))
        fp = sum(1 for s in scored if not s.pair.same and predicted(s, t))
        fn = sum(1 for s in scored if s.pair.same and not predicted(s, t))
        rows.append(Row(t, tp, fp, fn))
    return rows


def choose_threshold(rows: Sequence[Row]) -> float:
    """Best F1; among equally good thresholds the highest, the farthest from the hard negatives.

    A false merge hides a story from readers, a missed reprint only lists it twice.
    """
    best = max(r.f1 for r in rows)
    return max(r.threshold for r in rows if r.f1 >= best - 1e-9)


def recall_by_edit(scored: Sequence[Scored], threshold: float) -> dict[str, float]:
    by: dict[str, list[bool]] = {}
    for s in scored:
        if s.pair.same:
            by.setdefault(s.pair.kind, []).append(predicted(s, threshold))
    return {k: sum(v) / len(v) for k, v in by.items()}


def max_negative_score(scored: Sequence[Scored], kind: str | None = None) -> float:
    scores = [s.score for s in scored if not s.pair.same and (kind is None or s.pair.kind == kind)]
    return max(scores, default=0.0)
