"""select_dates: source priority, sanity limits, disagreements and the displayed string."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from crawler.dates import DateCandidate, DateSelection, select_dates
from crawler.items import DateInfo

VN = timezone(timedelta(hours=7))
FETCHED = datetime(2026, 1, 15, 22, 0, tzinfo=VN)


def C(source: str, text: str, kind: str = "published") -> DateCandidate:
    return DateCandidate(source, text, kind)


def test_vnexpress_page() -> None:
    chosen = select_dates(
        [
            C("header", "Thứ tư, 22/10/2025, 19:25 (GMT+7)"),
            C("jsonld", "2025-10-22T19:25:52+07:00"),
            C("jsonld", "2025-10-22T20:01:00+07:00", "modified"),
        ],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2025, 10, 22, 19, 25, 52, tzinfo=VN)
    assert chosen.modified_at == datetime(2025, 10, 22, 20, 1, tzinfo=VN)
    assert chosen.published == DateInfo(
        displayed="Thứ tư, 22/10/2025, 19:25 (GMT+7)", source="jsonld", precision="second"
    )
    assert chosen.warnings == []


def test_priority_does_not_depend_on_input_order() -> None:
    candidates = [
        C("url", "https://example.vn/2026/01/10/bai-viet.html"),
        C("header", "11/01/2026 08:00"),
        C("time", "2026-01-12T08:00:00+07:00"),
        C("meta", "2026-01-13T08:00:00+07:00"),
        C("jsonld", "2026-01-14T08:00:00+07:00"),
    ]
    expected = datetime(2026, 1, 14, 8, 0, tzinfo=VN)
    for seed in range(5):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        chosen = select_dates(shuffled, fetched_at=FETCHED)
        assert chosen.published_at == expected
        assert chosen.published.source == "jsonld"


@pytest.mark.parametrize(
    ("sources", "winner"),
    [
        (("meta", "time", "header", "url"), "meta"),
        (("time", "header", "url"), "time"),
        (("header", "url"), "header"),
        (("url",), "url"),
    ],
)
def test_each_source_wins_when_better_ones_are_absent(sources: tuple[str, ...], winner: str) -> None:
    texts = {
        "meta": "2026-01-13T08:00:00+07:00",
        "time": "2026-01-13T08:00:00+07:00",
        "header": "13/01/2026 08:00",
        "url": "/2026/01/13/tin.html",
    }
    chosen = select_dates([C(s, texts[s]) for s in reversed(sources)], fetched_at=FETCHED)
    assert chosen.published.source == winner
    assert chosen.published_at is not None
    assert chosen.published_at.date().isoformat() == "2026-01-13"


def test_dantri_day_only_meta_takes_the_headers_time() -> None:
    chosen = select_dates(
        [C("meta", "2012-12-25"), C("header", "Thứ Ba, 25/12/2012 - 10:03")],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2012, 12, 25, 10, 3, tzinfo=VN)
    assert chosen.published == DateInfo(
        displayed="Thứ Ba, 25/12/2012 - 10:03", source="header", precision="minute"
    )
    assert chosen.warnings == []


def test_day_only_source_keeps_its_day_when_the_timed_one_is_another_day() -> None:
    chosen = select_dates(
        [C("meta", "2012-12-25"), C("header", "24/12/2012 23:50")],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2012, 12, 25, tzinfo=VN)
    assert chosen.published.precision == "day"
    assert chosen.published.source == "meta"
    assert chosen.warnings == []  # less than a day apart: no disagreement


def test_disagreement_keeps_the_better_source_and_warns() -> None:
    chosen = select_dates(
        [C("header", "Thứ năm, 15/1/2026"), C("jsonld", "2025-10-22T19:25:52+07:00")],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2025, 10, 22, 19, 25, 52, tzinfo=VN)
    assert chosen.published.source == "jsonld"
    # The header showed another day, so the displayed string is the winner's own.
    assert chosen.published.displayed == "2025-10-22T19:25:52+07:00"
    assert len(chosen.warnings) == 1
    assert "disagree" in chosen.warnings[0]
    assert "jsonld" in chosen.warnings[0] and "header" in chosen.warnings[0]


def test_future_published_time_is_rejected() -> None:
    chosen = select_dates(
        [C("jsonld", "2026-01-15T23:30:00+07:00"), C("header", "15/01/2026 21:00")],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2026, 1, 15, 21, 0, tzinfo=VN)
    assert chosen.published.source == "header"
    assert any("after the fetch time" in w for w in chosen.warnings)


def test_up_to_an_hour_after_fetch_is_tolerated() -> None:
    chosen = select_dates([C("jsonld", "2026-01-15T22:59:00+07:00")], fetched_at=FETCHED)
    assert chosen.published_at == datetime(2026, 1, 15, 22, 59, tzinfo=VN)
    assert chosen.warnings == []


def test_before_1990_is_rejected() -> None:
    chosen = select_dates([C("meta", "1970-01-01T00:00:00Z")], fetched_at=FETCHED)
    assert chosen.published_at is None
    assert any("before 1990" in w for w in chosen.warnings)
    assert "no published date" in chosen.warnings


def test_nothing_found_is_absent_never_the_fetch_time() -> None:
    chosen = select_dates(
        [C("header", "Đang cập nhật"), C("url", "https://ngoisao.net/2012/12/tin-123.html")],
        fetched_at=FETCHED,
    )
    # a URL without a day in it is no doubt about the article: only the header is reported
    doubts = ["date not understood (published, header): 'Đang cập nhật'", "no published date"]
    assert chosen == DateSelection(
        published_at=None,
        modified_at=None,
        published=DateInfo(warnings=doubts),
        warnings=doubts,
    )


def test_no_candidates() -> None:
    chosen = select_dates([], fetched_at=FETCHED)
    assert chosen.published_at is None and chosen.modified_at is None
    assert chosen.warnings == ["no published date"]


def test_relative_header_is_resolved_against_the_fetch_time() -> None:
    chosen = select_dates([C("header", "2h trước")], fetched_at=FETCHED)
    assert chosen.published_at == datetime(2026, 1, 15, 20, 0, tzinfo=VN)
    assert chosen.published.displayed == "2h trước"


def test_modified_is_kept_apart_from_published() -> None:
    chosen = select_dates(
        [
            C("meta", "2026-01-14T09:00:00+07:00", "modified"),
            C("meta", "2026-01-10T09:00:00+07:00"),
        ],
        fetched_at=FETCHED,
    )
    assert chosen.published_at == datetime(2026, 1, 10, 9, 0, tzinfo=VN)
    assert chosen.modified_at == datetime(2026, 1, 14, 9, 0, tzinfo=VN)
    assert chosen.warnings == []


def test_modified_alone_does_not_become_published() -> None:
    chosen = select_dates([C("jsonld", "2026-01-14T09:00:00+07:00", "modified")], fetched_at=FETCHED)
    assert chosen.published_at is None
    assert chosen.modified_at == datetime(2026, 1, 14, 9, 0, tzinfo=VN)
    assert chosen.warnings == ["no published date"]


def test_displayed_text_is_decoded_and_spaced_as_shown() -> None:
    chosen = select_dates(
        [C("header", "  Th&#7913; s&#225;u,\n 28/12/2012,  14:46 GMT+7 ")],
        fetched_at=FETCHED,
    )
    assert chosen.published.displayed == "Thứ sáu, 28/12/2012, 14:46 GMT+7"
    assert chosen.published_at == datetime(2012, 12, 28, 14, 46, tzinfo=VN)


def test_unknown_source_is_ignored_with_a_warning() -> None:
    chosen = select_dates([C("sidebar", "25/12/2012")], fetched_at=FETCHED)
    assert chosen.published_at is None
    assert chosen.warnings[0] == "date candidate ignored, unknown source/kind: sidebar/published"


def test_naive_fetch_time_is_local() -> None:
    chosen = select_dates([C("header", "1h trước")], fetched_at=datetime(2026, 1, 15, 22, 0))
    assert chosen.published_at == datetime(2026, 1, 15, 21, 0, tzinfo=VN)
