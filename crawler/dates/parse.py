"""Turn one date string as a Vietnamese outlet shows it into an aware datetime and its precision.

Our own regexes read the common layouts in microseconds; dateparser (about a millisecond a call, far
more for the first) is only asked about what they leave, and its answer is kept only when the day and
year it returns are written in the text, so it can never slip in today's date or a guessed year.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Literal

from crawler.dates import vocab

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

PRECISIONS: tuple[str, ...] = ("day", "minute", "second")

# The only settings dateparser is ever used with: without DATE_ORDER, 05/02/2024 becomes 2 May.
DATEPARSER_LANGUAGES = ["vi"]
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
}

_ODD_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_SLASH = re.compile(r"\s*/\s*")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class ParsedDate:
    """An instant read from text. `value` is aware: +07:00 for local readings, else the text's own offset."""

    value: datetime
    precision: str  # "day" (midnight local), "minute" or "second"

    def isoformat(self) -> str:
        """`YYYY-MM-DD` when only the day is known, else ISO 8601 to the known precision with offset."""
        if self.precision == "day":
            return self.value.date().isoformat()
        return self.value.isoformat(timespec="minutes" if self.precision == "minute" else "seconds")


@dataclass
class _Clock:
    hour: int
    minute: int
    second: int | None
    offset: tzinfo | None


def parse_date(text: object, now: datetime | None = None) -> ParsedDate | None:
    """Read one isolated date string; None when it holds no complete date (never a guess, never now).

    Any value is accepted (JSON-LD and meta values arrive untyped); what is not a string is no date.

    Relative forms ("2h trước", "hôm qua") and year-less dates ("Ngày 10/8") are resolved against
    `now` (default: the current time; a naive `now` is taken as Vietnamese local time).
    """
    if not isinstance(text, str):
        return None
    ref = _reference(now)
    t = _clean(text)
    if not t:
        return None
    epoch = vocab.EPOCH.match(t)
    if epoch:
        return _from_epoch(epoch)
    t = vocab.WEEKDAY.sub(" ", t)
    just_now = vocab.JUST_NOW.search(t)
    ago = vocab.RELATIVE_AGO.search(t)
    if just_now is None and ago is None:
        return _absolute(t, ref)
    # A written date wins over "vừa mới" or "(2 giờ trước)" beside it; the relative words are cut
    # first so that "2 giờ" is not read as the time of that date.
    written = _absolute(vocab.RELATIVE_AGO.sub(" ", vocab.JUST_NOW.sub(" ", t)), ref)
    if written is not None:
        return written
    if ago is None or just_now is not None:
        return ParsedDate(ref.astimezone(vocab.VN_TZ).replace(second=0, microsecond=0), "minute")
    return _relative(ago.group(1) or ago.group(2), ref)


def parse_machine(text: object, now: datetime | None = None) -> ParsedDate | None:
    """A date from a machine attribute (`<time datetime>`, a meta tag, JSON-LD), read as it is written.

    ISO 8601 and epoch numbers as `parse_date` reads them. A slashed `M/D/YYYY` date is month-first
    when it carries a 12-hour clock (AM/PM), the form .NET writes (Tuổi Trẻ's `7/16/2026 11:47:00
    PM+07:00`), or when its second number cannot be a month; otherwise it is day-first, as displayed
    text is. `select_dates` checks the result against the printed date either way.
    """
    if not isinstance(text, str):
        return None
    cleaned = _clean(text)
    us = vocab.US_DATE.match(cleaned)
    if us and _month_first(int(us.group(1)), int(us.group(2)), us.group(4)):
        month, day, year, rest = int(us.group(1)), int(us.group(2)), us.group(3), us.group(4)
        cleaned = f"{year}-{month:02d}-{day:02d}{rest}"
    return parse_date(cleaned, now=now)


def _month_first(first: int, second: int, rest: str) -> bool:
    if first > vocab.MONTHS_IN_YEAR:
        return False
    return second > vocab.MONTHS_IN_YEAR or vocab.AM_PM.search(rest) is not None


def _reference(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(vocab.VN_TZ)
    if now.tzinfo is None or now.utcoffset() is None:
        return now.replace(tzinfo=vocab.VN_TZ)
    return now


def _clean(text: str) -> str:
    """Decode entities (even double-encoded ones), NFC, lower-case, one kind of space."""
    for _ in range(3):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFC", text).lower()
    text = _ODD_SPACES.sub(" ", text).strip()
    return _SLASH.sub("/", text)


def _from_epoch(match: re.Match[str]) -> ParsedDate | None:
    seconds = int(match.group(1)) if match.group(1) else int(match.group(2)) / 1000
    try:
        value = datetime.fromtimestamp(seconds, vocab.VN_TZ)
    except (OverflowError, OSError, ValueError):
        return None
    if not 1900 <= value.year <= 2100:
        return None
    return ParsedDate(value.replace(microsecond=0), "second")


def _relative(parts: str, ref: datetime) -> ParsedDate | None:
    seconds = 0
    months = 0
    units = set()
    for amount, written in vocab.RELATIVE_PART.findall(parts):
        unit = vocab.ENGLISH_UNITS.get(written, written)
        units.add(unit)
        if unit in vocab.RELATIVE_UNIT_MONTHS:
            months += int(amount) * vocab.RELATIVE_UNIT_MONTHS[unit]
        else:
            seconds += int(amount) * vocab.RELATIVE_UNIT_SECONDS[unit]
    local = ref.astimezone(vocab.VN_TZ)
    try:
        value = _minus_months(local, months) - timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        return None
    if units <= {"ngày", "tuần", "tháng", "năm"}:
        return ParsedDate(_midnight(value.date(), vocab.VN_TZ), "day")
    if "giây" in units:
        return ParsedDate(value.replace(microsecond=0), "second")
    return ParsedDate(value.replace(second=0, microsecond=0), "minute")


def _minus_months(value: datetime, months: int) -> datetime:
    if not months:
        return value
    index = value.year * 12 + value.month - 1 - months
    year, month = divmod(index, 12)
    for day in range(value.day, 27, -1):  # 31 March minus one month is the last day of February
        try:
            return value.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return value.replace(year=year, month=month + 1, day=min(value.day, 28))


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _absolute(t: str, ref: datetime) -> ParsedDate | None:
    """Dates with a day and month written out, with or without year, time and offset."""
    offset, rest = _take_gmt(t)
    found = _take_date(rest, ref)
    if found is None:
        return _fallback(rest, offset)
    if found == "invalid":
        return None
    (year, month, day, explicit_year), rest = found
    clock, rest = _take_time(rest)
    if clock is not None and clock.offset is not None:
        offset = clock.offset
    period = vocab.DAY_PERIOD.search(rest)
    if period:
        if clock is not None and clock.hour <= 12:
            clock.hour = vocab.DAY_PERIOD_HOUR[period.group(1)].get(clock.hour, clock.hour)
        rest = rest[: period.start()] + " " + rest[period.end() :]
    leftover = vocab.PUNCTUATION.sub("", vocab.FILLER.sub(" ", rest))
    if leftover and not explicit_year:
        return None  # a year-less date inside other words is too weak to trust
    # A day without a time is that day in Vietnam (local midnight), whatever offset the text names.
    tz = (offset if clock is not None else None) or vocab.VN_TZ
    hms = (clock.hour, clock.minute, clock.second or 0) if clock else (0, 0, 0)
    if year is None:
        value = _most_recent(month, day, hms, clock is not None, tz, ref)
    else:
        try:
            value = datetime(year, month, day, *hms, tzinfo=tz)
        except ValueError:
            value = None
    if value is None:
        return None
    if clock is None:
        return ParsedDate(value, "day")
    return ParsedDate(value, "minute" if clock.second is None else "second")


def _take_gmt(t: str) -> tuple[tzinfo | None, str]:
    match = vocab.GMT_OFFSET.search(t)
    if not match:
        return None, t
    sign, hours, minutes = match.groups()
    offset = _offset(sign or "+", hours or "0", minutes or "0")
    if offset is None:
        return None, t
    return offset, t[: match.start()] + " " + t[match.end() :]


def _offset(sign: str, hours: str, minutes: str) -> tzinfo | None:
    h, m = int(hours), int(minutes)
    if h > 14 or m > 59:
        return None
    delta = timedelta(hours=h, minutes=m)
    return timezone(-delta if sign == "-" else delta)


_DateParts = tuple[int | None, int, int, bool]


def _take_date(t: str, ref: datetime) -> tuple[_DateParts, str] | Literal["invalid"] | None:
    """(year or None, month, day, year written?) and the text without them; "invalid" for 31/02."""
    seen = False
    year: int | None
    for match in vocab.ISO_DATE.finditer(t):
        seen = True
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if _valid_day(year, month, day):
            return (year, month, day, True), _cut(t, match)
    for match in vocab.DMY_DATE.finditer(t):
        seen = True
        day, month, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
        year = _full_year(year_text, ref) if year_text else None
        if _valid_day(year, month, day):
            return (year, month, day, year is not None), _cut(t, match)
    for match in vocab.SPELLED_DATE.finditer(t):
        seen = True
        day = int(match.group(1))
        month_text = " ".join(match.group(2).split())
        month = int(month_text) if month_text.isdigit() else vocab.MONTH_WORDS[month_text]
        year = int(match.group(3)) if match.group(3) else None
        if _valid_day(year, month, day):
            return (year, month, day, year is not None), _cut(t, match)
    day_word = vocab.DAY_WORD.search(t)
    if day_word:
        back = vocab.DAY_WORD_OFFSET[next(g for g in day_word.groups() if g)]
        local = (ref.astimezone(vocab.VN_TZ) - timedelta(days=back)).date()
        period = day_word.group(0).split()[0]
        rest = _cut(t, day_word)
        if period in vocab.DAY_PERIOD_HOUR:
            rest = f"{rest} {period}"  # "tối qua": keep the part of the day for the time
        return (local.year, local.month, local.day, False), rest
    return "invalid" if seen else None


def _cut(t: str, match: re.Match[str]) -> str:
    return t[: match.start()] + " " + t[match.end() :]


def _valid_day(year: int | None, month: int, day: int) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    if year is None:
        return month != 2 or day <= 29
    if not 1900 <= year <= 2100:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _full_year(text: str, ref: datetime) -> int:
    """Two-digit years are this century unless that would be more than a year ahead of `ref`."""
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    return year if year <= ref.year + 1 else year - 100


def _take_time(t: str) -> tuple[_Clock | None, str]:
    for pattern in (vocab.CLOCK_TIME, vocab.WORD_TIME):
        for match in pattern.finditer(t):
            hour = int(match.group(1))
            minute = int(match.group(2) or 0)
            second = int(match.group(3)) if pattern is vocab.CLOCK_TIME and match.group(3) else None
            if hour > 23 or minute > 59 or (second is not None and second > 59):
                continue
            clock = _Clock(hour, minute, second, None)
            end = match.end()
            tail = vocab.TIME_OFFSET.match(t, end)
            if tail:
                clock.offset = _tail_offset(tail)
                end = tail.end() if clock.offset is not None else end
            marker = vocab.AM_PM.match(t, end)
            if marker:
                clock.hour = _twelve_hour(clock.hour, marker.group(1) in vocab.AM_WORDS)
                end = marker.end()
                tail = vocab.TIME_OFFSET.match(t, end) if clock.offset is None else None
                if tail and (offset := _tail_offset(tail)) is not None:  # "11:47:00 PM+07:00"
                    clock.offset, end = offset, tail.end()
            return clock, t[: match.start()] + " " + t[end:]
    return None, t


def _tail_offset(tail: re.Match[str]) -> tzinfo | None:
    if tail.group(1):
        return UTC
    if tail.group(2):
        return _offset(tail.group(2), tail.group(3), tail.group(4))
    if tail.group(5):
        return _offset(tail.group(5), tail.group(6), tail.group(7))
    return _offset(tail.group(8), tail.group(9), "0")


def _twelve_hour(hour: int, am: bool) -> int:
    if hour > 12:
        return hour  # "15:20 PM": already a 24-hour value
    if am:
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


def _most_recent(
    month: int, day: int, hms: tuple[int, int, int], timed: bool, tz: tzinfo, ref: datetime
) -> datetime | None:
    """The latest such day (and time) not after `ref`; 29 February looks back to a leap year."""
    local = ref.astimezone(tz)
    for year in range(local.year, local.year - 9, -1):
        try:
            value = datetime(year, month, day, *hms, tzinfo=tz)
        except ValueError:
            continue
        if (value <= ref) if timed else (value.date() <= local.date()):
            return value
    return None


@cache
def _dateparser() -> DateDataParser:
    """Built once per process: construction and the first parse load the language data (~100 ms)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=DATEPARSER_LANGUAGES, settings=DATEPARSER_SETTINGS)


def _fallback(t: str, offset: tzinfo | None) -> ParsedDate | None:
    """dateparser on what our patterns did not read, kept only when its day and year are in the text."""
    numbers = _DIGITS.findall(t)
    if len(numbers) < 2:
        return None
    result = _dateparser().get_date_data(t).date_obj
    if result is None:
        return None
    written = {int(n) for n in numbers}
    if result.day not in written or (result.year not in written and result.year % 100 not in written):
        return None
    if result.utcoffset() == timedelta(hours=7):
        result = result.replace(tzinfo=offset or vocab.VN_TZ)
    clock = vocab.CLOCK_TIME.search(t) or vocab.WORD_TIME.search(t)
    if clock is None:
        return ParsedDate(_midnight(result.date(), vocab.VN_TZ), "day")
    has_seconds = clock.re is vocab.CLOCK_TIME and clock.group(3) is not None
    return ParsedDate(result.replace(microsecond=0), "second" if has_seconds else "minute")
