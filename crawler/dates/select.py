"""Choose an article's published and modified times from every date the page offers.

Machine-readable sources are trusted before what the page displays, but they are checked against it:
a machine date that is the printed date with day and month swapped, or the printed local time with
another offset, gives way to the printed local time, with a warning (docs/dates.md, "When sources
disagree"). A day-only machine date gives way to a displayed time on the same day, and a date that
disagrees with a better source is reported, not silently mixed in. The fetch time is never used.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from crawler.dates import vocab
from crawler.dates.parse import ParsedDate, parse_date, parse_machine
from crawler.items import DateCandidate, DateInfo

# Highest priority first.
SOURCES: tuple[str, ...] = ("jsonld", "meta", "time", "header", "url")
KINDS: tuple[str, ...] = ("published", "modified")
# Written for programs, read in the form they are written (parse_machine). Every other source but the
# URL is printed on the page (read day-first, as Vietnamese readers see it) and checks these.
MACHINE_SOURCES = frozenset({"jsonld", "meta", "time"})
URL_SOURCE = "url"
LOCAL_OFFSET = timedelta(hours=7)  # what a printed `GMT+7`, or a printed time without offset, means

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
    if candidate.source == URL_SOURCE:
        return _parse_url(candidate.text)
    if candidate.source in MACHINE_SOURCES:
        return parse_machine(candidate.text, now=fetched_at)
    return parse_date(candidate.text, now=fetched_at)


def _is_printed(reading: _Reading) -> bool:
    return reading.candidate.source not in MACHINE_SOURCES and reading.candidate.source != URL_SOURCE


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
    printed = next((r for r in readings if _is_printed(r)), None)
    if printed is not None and best.candidate.source in MACHINE_SOURCES:
        best = _check_against_printed(best, printed, kind, warnings)
    explained = readings[0] if best is not readings[0] else None  # its warning is written already
    if best.parsed.precision == "day":
        day = _local_day(best.parsed)
        for other in readings[1:]:
            if other.parsed.precision != "day" and _local_day(other.parsed) == day:
                best = other
                break
    for other in readings:
        if other is explained:
            continue
        if abs(other.parsed.value - best.parsed.value) > MAX_DISAGREEMENT:
            warnings.append(
                f"{kind} dates disagree: kept {best.candidate.source} {best.parsed.isoformat()}, "
                f"ignored {other.candidate.source} {other.parsed.isoformat()}"
            )
    return best


def _check_against_printed(machine: _Reading, printed: _Reading, kind: str, warnings: list[str]) -> _Reading:
    """The printed local time wins over a machine date that is a known mistake of it (docs/dates.md)."""
    m, p = machine.parsed, printed.parsed
    swapped = _swap_day_and_month(m.value)
    if (
        swapped is not None
        and _local_day(m) != _local_day(p)
        and swapped.astimezone(vocab.VN_TZ).date() == _local_day(p)
    ):
        warnings.append(
            f"{kind} dates disagree: {machine.candidate.source} {m.isoformat()} is the printed "
            f"{printed.candidate.source} {p.isoformat()} with day and month swapped; kept the printed date"
        )
        return (
            printed if p.precision != "day" else _Reading(machine.candidate, ParsedDate(swapped, m.precision))
        )
    if _wrong_offset(m, p):
        warnings.append(
            f"{kind} dates disagree: {machine.candidate.source} {m.isoformat()} is the printed local time "
            f"{printed.candidate.source} {p.isoformat()} with another offset; kept the printed local time"
        )
        return printed
    return machine


def _swap_day_and_month(value: datetime) -> datetime | None:
    if value.day == value.month:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:  # the day is no month (13 and more), or the swapped day does not exist
        return None


def _wrong_offset(m: ParsedDate, p: ParsedDate) -> bool:
    """The machine time shows the printed local clock, but with an offset other than Vietnam's."""
    if "day" in (m.precision, p.precision) or m.value == p.value:
        return False
    if p.value.utcoffset() != LOCAL_OFFSET or m.value.utcoffset() == LOCAL_OFFSET:
        return False
    machine_clock = m.value.replace(tzinfo=None, second=0)
    return machine_clock == p.value.replace(tzinfo=None, second=0)


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
