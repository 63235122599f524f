"""Property test: any instant rendered the way an outlet would render it parses back to itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dates import parse_date

VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=VN)

WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
WEEKDAYS_SHORT = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
WEEKDAYS_NUMERIC = ["Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "CHỦ NHẬT"]


def twelve_hour(d: datetime) -> tuple[int, str]:
    h = d.hour % 12 or 12
    return h, "AM" if d.hour < 12 else "PM"


def day_period(d: datetime) -> tuple[int, str]:
    """How a Vietnamese page says the hour: 1 giờ trưa, 4 giờ chiều, 11 giờ tối, 2 giờ sáng."""
    if d.hour == 0:
        return 12, "đêm"
    if d.hour < 11:
        return d.hour, "sáng"
    if d.hour < 13:
        return d.hour, "trưa"
    if d.hour < 18:
        return d.hour - 12, "chiều"
    if d.hour < 22:
        return d.hour - 12, "tối"
    return d.hour - 12, "đêm"


def ampm(d: datetime) -> str:
    h, mark = twelve_hour(d)
    return f"{WEEKDAYS[d.weekday()]}, {d.day:02}/{d.month:02}/{d.year}, {h:02}:{d.minute:02} {mark} (GMT+7)"


def vi_period(d: datetime) -> str:
    h, word = day_period(d)
    return f"| Cập nhật {WEEKDAYS[d.weekday()].lower()}, ngày {d:%d/%m/%y} {h:02}:{d.minute:02} {word}"


# Each layout renders a local datetime; the second item is the precision it carries.
MINUTE_LAYOUTS: dict[str, Callable[[datetime], str]] = {
    "vnexpress": lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day}/{d.month}/{d.year}, {d:%H:%M} (GMT+7)",
    "dantri": lambda d: f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y - %H:%M}",
    "plain": lambda d: f"{d:%d/%m/%Y %H:%M}",
    "time_first": lambda d: f"{d:%H:%M}  | {d:%d/%m/%Y}",
    "ione_pm": lambda d: f"{d:%H:%M} {'AM' if d.hour < 12 else 'PM'}  | {d:%d/%m/%Y}",
    "two_digit_year": lambda d: f"lúc : {d:%d/%m/%y %H:%M}",
    "ampm": ampm,
    "vi_period": vi_period,
    "short_weekday_h": lambda d: f"{WEEKDAYS_SHORT[d.weekday()]}, {d.day}-{d.month}-{d.year} {d.hour}h{d:%M}",
    "spelled": lambda d: f"{d.hour} giờ {d.minute} phút ngày {d.day} tháng {d.month} năm {d.year}",
    "pubdate_meta": lambda d: f"{d:%Y-%m-%d %H:%M} + 07:00",
    "gmt_0700": lambda d: f"{d:%d.%m.%Y %H:%M} GMT+07:00",
    "entities": lambda d: f"Th&#7913; {d:%d/%m/%Y, %H:%M} GMT+7",
}
SECOND_LAYOUTS: dict[str, Callable[[datetime], str]] = {
    "iso": lambda d: d.isoformat(),
    "iso_utc": lambda d: d.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    "iso_naive": lambda d: f"{d:%Y-%m-%d %H:%M:%S}",
    "epoch": lambda d: str(int(d.timestamp())),
}
DAY_LAYOUTS: dict[str, Callable[[datetime], str]] = {
    "slash": lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day}/{d.month}/{d.year}",
    "dots": lambda d: f"{WEEKDAYS_NUMERIC[d.weekday()]}, Ngày {d:%d.%m.%Y}",
    "dashes": lambda d: f"{d.day}-{d.month}-{d.year}",
    "spelled": lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
    "spelled_padded": lambda d: f"{d.day} tháng {d:%m}, {d.year}",
    "iso_date": lambda d: f"{d:%Y-%m-%d}",
}

instants = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2026, 6, 29)).map(
    lambda d: d.replace(tzinfo=VN)
)


@settings(max_examples=60, deadline=None)
@given(moment=instants, layout=st.sampled_from(sorted(MINUTE_LAYOUTS)))
def test_minute_layouts(moment: datetime, layout: str) -> None:
    expected = moment.replace(second=0, microsecond=0)
    text = MINUTE_LAYOUTS[layout](expected)
    parsed = parse_date(text, now=NOW)
    assert parsed is not None, text
    assert (parsed.value, parsed.precision) == (expected, "minute"), text


@settings(max_examples=60, deadline=None)
@given(moment=instants, layout=st.sampled_from(sorted(SECOND_LAYOUTS)))
def test_second_layouts(moment: datetime, layout: str) -> None:
    expected = moment.replace(microsecond=0)
    text = SECOND_LAYOUTS[layout](expected)
    parsed = parse_date(text, now=NOW)
    assert parsed is not None, text
    assert (parsed.value, parsed.precision) == (expected, "second"), text


@settings(max_examples=60, deadline=None)
@given(moment=instants, layout=st.sampled_from(sorted(DAY_LAYOUTS)))
def test_day_layouts(moment: datetime, layout: str) -> None:
    expected = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    text = DAY_LAYOUTS[layout](expected)
    parsed = parse_date(text, now=NOW)
    assert parsed is not None, text
    assert (parsed.value, parsed.precision) == (expected, "day"), text


@settings(max_examples=60, deadline=None)
@given(moment=instants, minutes=st.integers(min_value=1, max_value=24 * 60 - 1))
def test_relative_minutes_and_hours(moment: datetime, minutes: int) -> None:
    now = moment.replace(second=0, microsecond=0)
    hours, rest = divmod(minutes, 60)
    text = f"{hours} giờ {rest} phút trước" if hours else f"{rest} phút trước"
    parsed = parse_date(text, now=now)
    assert parsed is not None
    assert parsed.value == now - timedelta(minutes=minutes)


@settings(max_examples=60, deadline=None)
@given(moment=instants, now=instants)
def test_year_less_is_never_after_now(moment: datetime, now: datetime) -> None:
    if (moment.month, moment.day) == (2, 29):
        moment = moment.replace(day=28)
    parsed = parse_date(f"Ngày {moment.day}/{moment.month}", now=now)
    assert parsed is not None
    assert parsed.value.date() <= now.date()
    assert (parsed.value.month, parsed.value.day) == (moment.month, moment.day)
    assert now.date() - parsed.value.date() < timedelta(days=366)


VOCAB = [
    "Thứ",
    "hai",
    "năm",
    "tháng",
    "ngày",
    "lúc",
    "giờ",
    "phút",
    "trước",
    "hôm qua",
    "GMT+7",
    "+ 07:00",
    "tối",
    "PM",
    "&#7913;",
    "/",
    "-",
    ".",
    ":",
    "|",
    " ",
]
noise = st.lists(
    st.one_of(st.sampled_from(VOCAB), st.integers(min_value=0, max_value=3000).map(str), st.text(max_size=3)),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=noise)
def test_any_text_gives_a_date_or_none_never_an_error(text: str) -> None:
    parsed = parse_date(text, now=NOW)
    if parsed is not None:
        assert parsed.value.tzinfo is not None
        assert parsed.precision in ("day", "minute", "second")
