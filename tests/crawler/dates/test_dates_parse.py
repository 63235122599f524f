"""Table tests: each string as an outlet displays it → the instant and precision we must read."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.dates import ParsedDate, parse_date
from crawler.dates.parse import DATEPARSER_LANGUAGES, DATEPARSER_SETTINGS

VN = timezone(timedelta(hours=7))
# A fixed reference time for everything relative or year-less: Thursday 15 January 2026, 22:00.
NOW = datetime(2026, 1, 15, 22, 0, 0, tzinfo=VN)


def iso(text: str, now: datetime = NOW) -> str | None:
    parsed = parse_date(text, now=now)
    return parsed.isoformat() if parsed else None


# Every displayed string in ../shared/notes/date-byline-patterns.md, with the reading the notes give.
NOTES_TABLE = [
    ("Thứ tư, 22/10/2025, 19:25 (GMT+7)", "2025-10-22T19:25+07:00"),
    ("2025-10-22T19:25:52+07:00", "2025-10-22T19:25:52+07:00"),
    ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", "2023-11-02T19:20+07:00"),
    ("Thứ tư, 13/1/2021, 00:00 (GMT+7)", "2021-01-13T00:00+07:00"),
    ("2021-01-13T00:00:00+07:00", "2021-01-13T00:00:00+07:00"),
    ("2026-10-07 07:49 + 07:00", "2026-10-07T07:49+07:00"),
    ("2026-10-07T07:49:01+07:00", "2026-10-07T07:49:01+07:00"),
    ("2026-01-15 21:58:00", "2026-01-15T21:58:00+07:00"),
    ("Thứ năm, 15/1/2026", "2026-01-15"),
    ("Thứ năm, 20/12/2012, 10:18 GMT+7", "2012-12-20T10:18+07:00"),
    ("Th&#7913; s&#225;u, 28/12/2012, 14:46 GMT+7", "2012-12-28T14:46+07:00"),
    ("11:51 | 27/12/2012", "2012-12-27T11:51+07:00"),
    ("15:20 PM  | 21/12/2012", "2012-12-21T15:20+07:00"),
    ("Thứ Ba, 25/12/2012 - 10:03", "2012-12-25T10:03+07:00"),
    ("2012-12-25", "2012-12-25"),
    ("Thứ Tư, 26/12/2012 17:14", "2012-12-26T17:14+07:00"),
    ("Thứ Hai, 24/12/2012, 03:04 AM (GMT+7)", "2012-12-24T03:04+07:00"),
    ("Th&#7913; Hai, 24/12/2012, 03:04 AM (GMT+7)", "2012-12-24T03:04+07:00"),
    ("19/12/2012 17:41", "2012-12-19T17:41+07:00"),
    ("Điểm báo ngày 27.12.2012", "2012-12-27"),
    ("| Cập nhật thứ hai, ngày 24/12/12 11:05 tối", "2012-12-24T23:05+07:00"),
    ("| Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều", "2012-11-30T16:00+07:00"),
    ("25/12/2012 10:25", "2012-12-25T10:25+07:00"),
    ("(11/09/2012 08:22)", "2012-09-11T08:22+07:00"),
    ("21/12/2012 - 08:04", "2012-12-21T08:04+07:00"),
    ("23/03/2015 08:06 GMT+7", "2015-03-23T08:06+07:00"),
    ("Thứ 2, Ngày 23.03.2015", "2015-03-23"),
    ("Thứ Năm, 16/07/2026 17:17", "2026-07-16T17:17+07:00"),
    ("2026-07-16T17:17:00+07:00", "2026-07-16T17:17:00+07:00"),
    ("21/07/2026 07:17", "2026-07-21T07:17+07:00"),
    ("2026-07-21T07:17:56+07:00", "2026-07-21T07:17:56+07:00"),
    ("1784593076", "2026-07-21T07:17:56+07:00"),
    ("lúc : 11/07/14 11:35", "2014-07-11T11:35+07:00"),
    ("l&uacute;c : 11/07/14 11:35", "2014-07-11T11:35+07:00"),
    ("19-5-2012", "2012-05-19"),
    ("8.6.2012", "2012-06-08"),
    # Relative forms of the notes, against NOW (22:00 on 15 January 2026).
    ("2h trước", "2026-01-15T20:00+07:00"),
    ("1h trước", "2026-01-15T21:00+07:00"),
    ("2 giờ 43 phút trước", "2026-01-15T19:17+07:00"),
    ("(3 giờ trước)", "2026-01-15T19:00+07:00"),
    # In-body year-less styles: the most recent such day not after NOW.
    ("chiều 2/11", "2025-11-02"),
    ("ngày 26-12", "2025-12-26"),
    ("ngày 19.12", "2025-12-19"),
    ("Ngày 22-3", "2025-03-22"),
    ("tối 19/12", "2025-12-19"),
]

OWN_TABLE = [
    # The issue's own examples.
    ("05/02/2024", "2024-02-05"),
    ("ngày 16 tháng 7 năm 2026", "2026-07-16"),
    ("16 tháng 7, 2026", "2026-07-16"),
    ("ngày 16 tháng 09 năm 2026", "2026-09-16"),
    ("Cập nhật: 16/07/2026 17:17", "2026-07-16T17:17+07:00"),
    ("Cập nhật lúc 17:17 16/07/2026", "2026-07-16T17:17+07:00"),
    ("Đăng lúc: 05-02-2024 | 21:00", "2024-02-05T21:00+07:00"),
    ("Chủ nhật, 4/2/2024 - 08:15", "2024-02-04T08:15+07:00"),
    ("CHỦ NHẬT, 4/2/2024", "2024-02-04"),
    ("CN, 4/2/2024 08:15", "2024-02-04T08:15+07:00"),
    ("T3, 6/2/2024 08:15", "2024-02-06T08:15+07:00"),
    ("Thứ 7, 10/2/2024 08:15", "2024-02-10T08:15+07:00"),
    ("thứ bảy, 10/2/2024", "2024-02-10"),
    ("THỨ SÁU 9.2.2024", "2024-02-09"),
    # Offsets in every spelling; an explicit offset other than +07:00 is kept.
    ("05/02/2024 08:15 GMT+07:00", "2024-02-05T08:15+07:00"),
    ("05/02/2024 08:15 (GMT+7)", "2024-02-05T08:15+07:00"),
    ("2024-02-05T08:15:00+0700", "2024-02-05T08:15:00+07:00"),
    ("2024-02-05T01:15:00Z", "2024-02-05T01:15:00+00:00"),
    ("2024-02-05T08:15:00.123456+05:30", "2024-02-05T08:15:00+05:30"),
    ("2024-02-05 08:15 GMT+9", "2024-02-05T08:15+09:00"),
    ("2024/02/05 08:15", "2024-02-05T08:15+07:00"),
    # Clocks: 12-hour with AM/PM and the Vietnamese parts of the day; "19h25"; seconds.
    ("05/02/2024 12:30 AM", "2024-02-05T00:30+07:00"),
    ("05/02/2024 12:30 PM", "2024-02-05T12:30+07:00"),
    ("05/02/2024 08:30 pm", "2024-02-05T20:30+07:00"),
    ("05/02/2024 08:30 CH", "2024-02-05T20:30+07:00"),
    ("05/02/2024 08:30 SA", "2024-02-05T08:30+07:00"),
    ("9h30 sáng 5/2/2024", "2024-02-05T09:30+07:00"),
    ("1 giờ trưa 5/2/2024", "2024-02-05T13:00+07:00"),
    ("11 giờ trưa ngày 5/2/2024", "2024-02-05T11:00+07:00"),
    ("đêm 5/2/2024 lúc 11:40", "2024-02-05T23:40+07:00"),
    ("2 giờ sáng 5/2/2024", "2024-02-05T02:00+07:00"),
    ("19h25 ngày 5/2/2024", "2024-02-05T19:25+07:00"),
    ("10 giờ 10 phút ngày 5/2/2024", "2024-02-05T10:10+07:00"),
    ("05/02/2024 19:25:07", "2024-02-05T19:25:07+07:00"),
    ("5/2/24 7:05", "2024-02-05T07:05+07:00"),
    ("5 / 2 / 2024", "2024-02-05"),
    # Spelled-out months, in words too.
    ("16 tháng bảy năm 2026", "2026-07-16"),
    ("16 tháng mười hai, 2025", "2025-12-16"),
    ("Ngày 16 Tháng 7 Năm 2026 lúc 10:30", "2026-07-16T10:30+07:00"),
    ("16 thg 7 2026", "2026-07-16"),
    # Forms our patterns leave to dateparser (vi, DMY), accepted because day and year are written.
    ("ngày 16, tháng 7, năm 2026", "2026-07-16"),
    ("2026 tháng 7 ngày 16", "2026-07-16"),
    # Entities, doubled entities, non-breaking spaces, decomposed diacritics.
    ("Th&amp;#7913; s&amp;#225;u,&nbsp;28/12/2012,&nbsp;14:46&nbsp;GMT+7", "2012-12-28T14:46+07:00"),
    ("Thu\u031b\u0301 sa\u0301u, 28/12/2012", "2012-12-28"),
    # Epoch milliseconds.
    ("1784593076000", "2026-07-21T07:17:56+07:00"),
]


@pytest.mark.parametrize(("text", "expected"), NOTES_TABLE + OWN_TABLE)
def test_table(text: str, expected: str) -> None:
    assert iso(text) == expected


RELATIVE_TABLE = [
    ("30 phút trước", "2026-01-15T21:30+07:00", "minute"),
    ("45 giây trước", "2026-01-15T21:59:15+07:00", "second"),
    ("Vừa xong", "2026-01-15T22:00+07:00", "minute"),
    ("hôm qua", "2026-01-14", "day"),
    ("Hôm qua lúc 20:10", "2026-01-14T20:10+07:00", "minute"),
    ("Hôm nay 08:15", "2026-01-15T08:15+07:00", "minute"),
    ("hôm kia", "2026-01-13", "day"),
    ("tối qua", "2026-01-14", "day"),
    ("3 ngày trước", "2026-01-12", "day"),
    ("cách đây 2 tuần", "2026-01-01", "day"),
    ("1 tháng trước", "2025-12-15", "day"),
    ("1 năm trước", "2025-01-15", "day"),
    ("1 ngày 2 giờ trước", "2026-01-14T20:00+07:00", "minute"),
    ("Khoảng 5 tiếng trước", "2026-01-15T17:00+07:00", "minute"),
    # Year-less: the most recent such date not after NOW.
    ("Ngày 10/8", "2025-08-10", "day"),
    ("15/1", "2026-01-15", "day"),
    ("16/1", "2025-01-16", "day"),
    ("15/1 21:30", "2026-01-15T21:30+07:00", "minute"),
    ("15/1 22:30", "2025-01-15T22:30+07:00", "minute"),
    ("29/2", "2024-02-29", "day"),
    ("ngày 16 tháng 7", "2025-07-16", "day"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), RELATIVE_TABLE)
def test_relative_and_year_less(text: str, expected: str, precision: str) -> None:
    parsed = parse_date(text, now=NOW)
    assert parsed is not None
    assert (parsed.isoformat(), parsed.precision) == (expected, precision)


def test_relative_month_end_clamps_to_the_shorter_month() -> None:
    now = datetime(2026, 3, 31, 10, 0, tzinfo=VN)
    assert iso("1 tháng trước", now=now) == "2026-02-28"


def test_relative_across_midnight_uses_the_vietnamese_day() -> None:
    # 23:30 UTC on 14 January is 06:30 on 15 January in Vietnam.
    now_utc = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)
    assert iso("hôm qua", now=now_utc) == "2026-01-14"
    assert iso("30 phút trước", now=now_utc) == "2026-01-15T06:00+07:00"


def test_naive_now_is_local_time() -> None:
    assert iso("2h trước", now=datetime(2026, 1, 15, 22, 0)) == "2026-01-15T20:00+07:00"


def test_default_now_is_the_current_time() -> None:
    before = datetime.now(UTC)
    parsed = parse_date("1 giờ trước")
    after = datetime.now(UTC)
    assert parsed is not None
    lower = (before - timedelta(hours=1)).replace(second=0, microsecond=0)
    assert lower <= parsed.value <= after - timedelta(hours=1)


INVALID = [
    "",
    "   ",
    "31/02/2024",
    "32/13/2024",
    "29/02/2023",
    "00/01/2024",
    "2024-13-01",
    "Thứ năm",
    "thứ 2",
    "Chủ nhật",
    "Đang cập nhật",
    "GMT+7",
    "(GMT+7)",
    "Hơn 23h",
    "16 giờ",
    "10 giờ 10 phút",
    "19:25",
    "tháng 7 năm 2026",
    "năm 2026",
    "2012/12",
    "Giá vàng tăng 2.5 triệu đồng",
    "Dec 25, 2012",
    "not a date",
    "123",
]


@pytest.mark.parametrize("text", INVALID)
def test_no_date(text: str) -> None:
    assert parse_date(text, now=NOW) is None


@pytest.mark.parametrize("value", [None, 20121225, b"25/12/2012"])
def test_non_strings_are_no_date(value: object) -> None:
    assert parse_date(value, now=NOW) is None


def test_day_first_always() -> None:
    parsed = parse_date("05/02/2024", now=NOW)
    assert parsed == ParsedDate(datetime(2024, 2, 5, tzinfo=VN), "day")
    assert parsed.value.month == 2


def test_day_precision_is_local_midnight() -> None:
    parsed = parse_date("Thứ năm, 15/1/2026", now=NOW)
    assert parsed is not None
    assert parsed.value == datetime(2026, 1, 15, 0, 0, tzinfo=VN)
    assert parsed.value.utcoffset() == timedelta(hours=7)
    assert parsed.precision == "day"


@pytest.mark.parametrize(
    "text",
    ["05/02/2024 GMT+9", "05/02/2024 (GMT-5)", "05/02/2024 UTC", "ngày 5 tháng 2 năm 2024 GMT+9"],
)
def test_day_precision_is_local_midnight_whatever_the_offset(text: str) -> None:
    # 00:00+09:00 would be 22:00 on 4 February in Vietnam: a day is the Vietnamese day.
    assert parse_date(text, now=NOW) == ParsedDate(datetime(2024, 2, 5, tzinfo=VN), "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vừa mới cập nhật 05/02/2024 08:00", "2024-02-05T08:00+07:00"),
        ("Vừa xong | 05/02/2024 08:00", "2024-02-05T08:00+07:00"),
        ("Ngày 5/2/2024, cách đây 3 năm", "2024-02-05"),
        ("05/02/2024 08:00 (2 giờ trước)", "2024-02-05T08:00+07:00"),
        ("5/2/2024 (2 giờ trước)", "2024-02-05"),  # "2 giờ" of the relative part is not the time
        ("Hôm qua lúc 20:10 (2 giờ trước)", "2026-01-14T20:10+07:00"),
    ],
)
def test_written_date_wins_over_relative_words(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2024-02-05T01:15:00+00", timedelta(0)),
        ("2024-02-05T01:15:00-05", timedelta(hours=-5)),
        ("2024-02-05 01:15 +09", timedelta(hours=9)),
    ],
)
def test_hours_only_offset_is_read(text: str, offset: timedelta) -> None:
    parsed = parse_date(text, now=NOW)
    assert parsed is not None
    assert parsed.value.utcoffset() == offset
    assert parsed.value == datetime(2024, 2, 5, 1, 15, tzinfo=timezone(offset))


def test_a_date_after_a_time_is_not_an_hours_only_offset() -> None:
    assert iso("08:00 -05/02/2024") == "2024-02-05T08:00+07:00"
    assert iso("08:00 -05.02.2024") == "2024-02-05T08:00+07:00"


def test_explicit_offset_is_the_same_instant() -> None:
    parsed = parse_date("2024-02-05T01:15:00Z", now=NOW)
    assert parsed is not None
    assert parsed.value.utcoffset() == timedelta(0)
    assert parsed.value == datetime(2024, 2, 5, 8, 15, tzinfo=VN)


def test_precisions() -> None:
    assert parse_date("25/12/2012", now=NOW).precision == "day"  # type: ignore[union-attr]
    assert parse_date("25/12/2012 10:03", now=NOW).precision == "minute"  # type: ignore[union-attr]
    assert parse_date("25/12/2012 10:03:04", now=NOW).precision == "second"  # type: ignore[union-attr]
    assert parse_date("1784593076", now=NOW).precision == "second"  # type: ignore[union-attr]


def test_parsed_date_is_frozen() -> None:
    parsed = parse_date("25/12/2012", now=NOW)
    with pytest.raises(FrozenInstanceError):
        parsed.precision = "minute"  # type: ignore[misc, union-attr]


def test_dateparser_settings_are_the_safe_ones() -> None:
    assert DATEPARSER_LANGUAGES == ["vi"]
    assert DATEPARSER_SETTINGS["DATE_ORDER"] == "DMY"
    assert DATEPARSER_SETTINGS["TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert DATEPARSER_SETTINGS["RETURN_AS_TIMEZONE_AWARE"] is True
    assert DATEPARSER_SETTINGS["PREFER_DATES_FROM"] == "past"


def test_same_input_same_answer_in_any_order() -> None:
    first = [iso(text) for text, _ in NOTES_TABLE]
    again = [iso(text) for text, _ in reversed(NOTES_TABLE)]
    assert first == list(reversed(again))
