"""Dates that check each other: machine attributes read as written (US month-first, ISO, epoch), and a
machine date that is a known mistake of the printed date loses to the printed local time, with a warning.
Unit tables, then small pages of our own (Tuổi Trẻ's markup) through the offline stages of a crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.dates import DateCandidate, parse_date, parse_machine, select_dates
from crawler.dates import select as select_module
from crawler.store.schema import ARTICLE_SCHEMA
from tests.factories import run_flow

VN = timezone(timedelta(hours=7))
FETCHED = datetime(2026, 7, 20, 9, 0, tzinfo=VN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7/16/2026 11:47:00 PM+07:00", "2026-07-16T23:47:00+07:00"),  # Tuổi Trẻ: .NET month-first
        ("7/5/2026 11:47:00 PM+07:00", "2026-07-05T23:47:00+07:00"),  # 5 July, never 7 May
        ("7/5/2026 9:05:00 AM", "2026-07-05T09:05:00+07:00"),
        ("12/1/2026 12:30:00 AM -05:00", "2026-12-01T00:30:00-05:00"),
        ("7/16/2026", "2026-07-16"),  # 16 cannot be a month
        ("16/7/2026 23:47", "2026-07-16T23:47+07:00"),  # 16 cannot be a month: day-first
        ("5/7/2026 23:47", "2026-07-05T23:47+07:00"),  # no 12-hour clock: day-first, as printed
        ("2026-07-16T19:00:00Z", "2026-07-16T19:00:00+00:00"),
        ("2026-07-16T19:00:00+08:00", "2026-07-16T19:00:00+08:00"),  # kept as written; select_dates judges
        ("1784221620", "2026-07-17T00:07:00+07:00"),
        ("1784221620000", "2026-07-17T00:07:00+07:00"),
        ("13/13/2026 10:00:00 PM", None),
    ],
)
def test_machine_attributes_are_read_as_written(text: str, expected: str | None) -> None:
    parsed = parse_machine(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_displayed_text_stays_day_first() -> None:
    assert parse_date("7/5/2026 11:47 PM").isoformat() == "2026-05-07T23:47+07:00"
    assert parse_date("05/07/2026 23:47 GMT+7").isoformat() == "2026-07-05T23:47+07:00"
    assert parse_date("11:47 PM+08:00 16/07/2026").isoformat() == "2026-07-16T23:47+08:00"  # offset after PM


def C(source: str, text: str, kind: str = "published") -> DateCandidate:
    return DateCandidate(source, text, kind)


# (candidates, chosen instant, chosen source, words the one warning must hold or None for no warning)
CROSS_CHECKS = [
    # a day/month swap: the machine date is the printed one with day and month exchanged
    (
        [C("time", "2026-05-07T23:47:00+07:00"), C("header", "05/07/2026 23:47 GMT+7")],
        datetime(2026, 7, 5, 23, 47, tzinfo=VN),
        "header",
        "day and month swapped",
    ),
    (  # the printed date has no time: the machine's time on the printed day
        [C("jsonld", "2026-05-07T23:47:00+07:00"), C("header", "Chủ nhật, 5/7/2026")],
        datetime(2026, 7, 5, 23, 47, tzinfo=VN),
        "jsonld",
        "day and month swapped",
    ),
    # an offset that contradicts the printed local time
    (
        [C("meta", "2026-07-16T19:00:00+08:00"), C("header", "16/07/2026 19:00 (GMT+7)")],
        datetime(2026, 7, 16, 19, 0, tzinfo=VN),
        "header",
        "with another offset",
    ),
    (
        [C("jsonld", "2026-07-16T19:00:00Z"), C("header", "Thứ năm, 16/7/2026, 19:00")],
        datetime(2026, 7, 16, 19, 0, tzinfo=VN),
        "header",
        "with another offset",
    ),
    # agreement: the same instant written in UTC, a US-form attribute, an epoch
    (
        [C("jsonld", "2026-07-16T12:00:00Z"), C("header", "16/07/2026 19:00 (GMT+7)")],
        datetime(2026, 7, 16, 12, 0, tzinfo=UTC),
        "jsonld",
        None,
    ),
    (
        [C("time", "7/5/2026 11:47:00 PM+07:00"), C("header", "05/07/2026 23:47 GMT+7")],
        datetime(2026, 7, 5, 23, 47, tzinfo=VN),
        "time",
        None,
    ),
    (
        [C("time", "1784221620"), C("header", "17/07/2026 00:07")],
        datetime(2026, 7, 17, 0, 7, tzinfo=VN),
        "time",
        None,
    ),
    # not a recognisable mistake: the better source stays, a day apart or less is no warning
    (
        [C("meta", "2026-07-16T17:00:00+07:00"), C("header", "16/07/2026 19:00")],
        datetime(2026, 7, 16, 17, 0, tzinfo=VN),
        "meta",
        None,
    ),
    (  # a printed time in another zone is no local time to prefer
        [C("meta", "2026-07-16T19:00:00+08:00"), C("header", "16/07/2026 19:00 GMT+9")],
        datetime(2026, 7, 16, 19, 0, tzinfo=timezone(timedelta(hours=8))),
        "meta",
        None,
    ),
]


@pytest.mark.parametrize(("candidates", "instant", "source", "warning"), CROSS_CHECKS)
def test_disagreements_are_resolved_by_the_written_rule(candidates, instant, source, warning) -> None:
    chosen = select_dates(candidates, fetched_at=FETCHED)
    assert chosen.published_at == instant
    assert chosen.published.source == source
    if warning is None:
        assert chosen.warnings == []
    else:
        assert len(chosen.warnings) == 1 and warning in chosen.warnings[0], chosen.warnings
        assert chosen.published.warnings == chosen.warnings


def test_an_added_printed_source_checks_machine_dates_too(monkeypatch) -> None:
    monkeypatch.setattr(select_module, "SOURCES", ("jsonld", "meta", "time", "header", "visible", "url"))
    chosen = select_dates(
        [C("meta", "2026-07-16T19:00:00Z"), C("visible", "16/07/2026 19:00")], fetched_at=FETCHED
    )
    assert chosen.published_at == datetime(2026, 7, 16, 19, 0, tzinfo=VN)
    assert chosen.published.source == "visible" and "another offset" in chosen.warnings[0]


def test_every_source_is_one_the_store_accepts() -> None:
    allowed = ARTICLE_SCHEMA["properties"]["published"]["properties"]["source"]["enum"]
    assert set(select_module.SOURCES) <= set(allowed)


# -- mirrored pages ---------------------------------------------------------------------------------

URL = "https://tuoitre.vn/mua-lon-keo-dai-o-thanh-pho-100260716234700123.htm"


def tuoitre_page(date_element: str, head: str = "") -> str:
    """A page in Tuổi Trẻ's markup (our own text), with its date element and optional head tags."""
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Mưa lớn kéo dài ở thành phố</title>"
        f'<link rel="canonical" href="{URL}"><meta property="og:type" content="article">{head}'
        "</head><body><main>"
        f'<div class="detail-top">{date_element}</div>'
        '<h1 class="detail-title article-title" data-role="title">Mưa lớn kéo dài ở thành phố</h1>'
        '<h2 class="detail-sapo" data-role="sapo">Nhiều tuyến đường ngập sâu sau trận mưa ba giờ.</h2>'
        '<div class="detail-content afcbc-body" data-role="content">'
        "<p>Cơn mưa bắt đầu từ chiều và kéo dài đến tối, nhiều tuyến phố ngập nửa bánh xe.</p>"
        "<p>Lực lượng chức năng đã túc trực tại các điểm ngập để hướng dẫn người đi đường.</p>"
        "<p>Đài khí tượng dự báo mưa còn kéo dài trong hai ngày tới ở khu vực này.</p></div>"
        "</main></body></html>"
    )


def _jsonld(published: str) -> str:
    return (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        f'"headline": "Mưa lớn kéo dài ở thành phố", "datePublished": "{published}"}}</script>'
    )


PAGES = [
    (  # Tuổi Trẻ's own form: US month-first with a 12-hour clock, no JSON-LD or meta to save it
        '<time data-role="publishdate" datetime="7/5/2026 11:47:00 PM+07:00">05/07/2026 23:47 GMT+7</time>',
        "",
        "2026-07-05T16:47:00+00:00",
        "time",
        None,
    ),
    (  # a day/month swap in the attribute
        '<time data-role="publishdate" datetime="2026-05-07T23:47:00+07:00">05/07/2026 23:47 GMT+7</time>',
        "",
        "2026-07-05T16:47:00+00:00",
        "header",
        "day and month swapped",
    ),
    (  # JSON-LD with +08:00 where the page prints GMT+7
        '<div data-role="publishdate">16/07/2026 19:00 GMT+7</div>',
        _jsonld("2026-07-16T19:00:00+08:00"),
        "2026-07-16T12:00:00+00:00",
        "header",
        "with another offset",
    ),
    (  # a meta tag in UTC that is really the printed local time
        '<div data-role="publishdate">16/07/2026 19:00</div>',
        '<meta property="article:published_time" content="2026-07-16T19:00:00Z">',
        "2026-07-16T12:00:00+00:00",
        "header",
        "with another offset",
    ),
    (  # an epoch attribute that agrees with the printed time
        '<div data-role="publishdate" data-time="1784221620">17/07/2026 00:07 GMT+7</div>',
        "",
        "2026-07-16T17:07:00+00:00",
        "time",
        None,
    ),
]


@pytest.mark.parametrize(("element", "head", "stored", "source", "warning"), PAGES)
def test_mirrored_pages_store_the_printed_local_time(element, head, stored, source, warning) -> None:
    article = run_flow(tuoitre_page(element, head), URL, fetched_at=FETCHED).article
    assert article is not None
    assert article.published_at is not None and article.published_at.isoformat() == stored
    assert article.published.source == source
    date_warnings = [w for w in article.published.warnings if "date" in w]
    if warning is None:
        assert date_warnings == [], date_warnings
    else:
        assert len(date_warnings) == 1 and warning in date_warnings[0], date_warnings
