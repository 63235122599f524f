"""Choose an article's published and modified times from every date the page offers.

Machine-readable sources are trusted before what the page displays, but a day-only machine date
gives way to a displayed time on the same day, and a date that disagrees with a better source is
reported, not silently mixed in. The fetch time is never used as a date.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from crawler.dates import vocab
from crawler.dates.parse import ParsedDate, parse_date
from crawler.items import DateCandidate, DateInfo

# Highest priority first.
SOURCES: tuple[str, ...] = ("jsonld", "meta", "time", "header", "url")
KINDS: tuple[str, ...] = ("published", "modified")

EARLIEST = datetime(1990, 1, 1, tzinfo=vocab.VN_TZ)
MAX_AHEAD_OF_FETCH = timedelta(hours=1)
MAX_DISAGREEMENT = timedelta(days=1)

_SPACES = re.compile(r"\s+")


@dataclass
class DateSelection:
    """The chosen dates; `warnings` go into the article's extraction warnings."""

    published_at: datetime | None
    modified_at: datetime | None
    published: DateInfo = field(default_factory=DateInfo)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Reading:
    candidate: DateCandidate
    parsed: ParsedDate


def select_dates(candidates: Sequence[DateCandidate], *, fetched_at: datetime) -> DateSelection:
    """Pick published (jsonld → meta → time → header → url) and modified dates; explain doubts.

    Candidates may come in any order. A naive `fetched_at` is taken as Vietnamese local time.
    """
    if fetched_at.tzinfo is None or fetched_at.utcoffset() is None:
        fetched_at = fetched_at.replace(tzinfo=vocab.VN_TZ)
    warnings: list[str] = []
    readings: dict[str, list[_Reading]] = {kind: [] for kind in KINDS}
    ordered = sorted((c for c in candidates if _known(c, warnings)), key=lambda c: SOURCES.index(c.source))
    for candidate in ordered:
        parsed = _parse(candidate, fetched_at)
        if parsed is None and candidate.source == "url":
            continue  # most URLs carry no date; one that does not is no doubt about the article
        if parsed is None:
            warnings.append(f"date not understood ({candidate.kind}, {candidate.source}): {candidate.text!r}")
        elif parsed.value > fetched_at + MAX_AHEAD_OF_FETCH:
            warnings.append(
                f"date rejected, after the fetch time ({candidate.kind}, {candidate.source}): "
                f"{parsed.isoformat()}"
            )
        elif parsed.value < EARLIEST:
            warnings.append(
                f"date rejected, before 1990 ({candidate.kind}, {candidate.source}): {parsed.isoformat()}"
            )
        else:
            readings[candidate.kind].append(_Reading(candidate, parsed))

    published = _choose(readings["published"], "published", warnings)
    modified = _choose(readings["modified"], "modified", warnings)
    if published is None:
        warnings.append("no published date")
        info = DateInfo()
    else:
        info = DateInfo(
            displayed=_displayed(published, readings["published"]),
            source=published.candidate.source,
            precision=published.parsed.precision,
        )
    info.warnings = warnings
    return DateSelection(
        published_at=published.parsed.value if published else None,
        modified_at=modified.parsed.value if modified else None,
        published=info,
        warnings=warnings,
    )


def _known(candidate: DateCandidate, warnings: list[str]) -> bool:
    if candidate.source not in SOURCES or candidate.kind not in KINDS:
        warnings.append(f"date candidate ignored, unknown source/kind: {candidate.source}/{candidate.kind}")
        return False
    return True


def _parse(candidate: DateCandidate, fetched_at: datetime) -> ParsedDate | None:
    if candidate.source == "url":
        return _parse_url(candidate.text)
    return parse_date(candidate.text, now=fetched_at)


def _parse_url(text: str) -> ParsedDate | None:
    """A URL gives at most a day: "/2012/12/25/"; a bare month ("/2012/12/") gives nothing."""
    match = vocab.URL_DATE.search(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return ParsedDate(datetime(year, month, day, tzinfo=vocab.VN_TZ), "day")
    except ValueError:
        return None


def _choose(readings: list[_Reading], kind: str, warnings: list[str]) -> _Reading | None:
    """The best reading, refined to a same-day timed reading, with a warning for each disagreement."""
    if not readings:
        return None
    best = readings[0]
    if best.parsed.precision == "day":
        day = _local_day(best.parsed)
        for other in readings[1:]:
            if other.parsed.precision != "day" and _local_day(other.parsed) == day:
                best = other
                break
    for other in readings:
        if abs(other.parsed.value - best.parsed.value) > MAX_DISAGREEMENT:
            warnings.append(
                f"{kind} dates disagree: kept {best.candidate.source} {best.parsed.isoformat()}, "
                f"ignored {other.candidate.source} {other.parsed.isoformat()}"
            )
    return best


def _local_day(parsed: ParsedDate) -> date:
    return parsed.value.astimezone(vocab.VN_TZ).date()


def _displayed(best: _Reading, readings: list[_Reading]) -> str:
    """The header's text when the header agrees with the choice, else the winning candidate's text."""
    for reading in readings:
        if reading.candidate.source == "header" and (
            abs(reading.parsed.value - best.parsed.value) <= MAX_DISAGREEMENT
        ):
            return _as_shown(reading.candidate.text)
    return _as_shown(best.candidate.text)


def _as_shown(text: str) -> str:
    return _SPACES.sub(" ", html.unescape(text)).strip()
