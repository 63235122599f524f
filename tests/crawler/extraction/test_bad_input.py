"""Bad input and pages that are not news items: a typed result with a reason, never an exception."""

from __future__ import annotations

import time
import unicodedata
from datetime import UTC, datetime

import pytest

from tests.factories import run_flow

URL = "https://baodiaphuong.example.vn/xa-hoi/bai-viet-1001.html"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TEXT = (
    "Người dân Hà Nội đổ ra đường đón mưa đầu mùa sau nhiều ngày nắng nóng kéo dài. "
    "Nhiệt độ giảm nhanh, nhiều tuyến phố đông đúc trở lại vào buổi chiều tối."
)


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>Mưa đầu mùa ở Hà Nội - Báo Địa Phương</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-05-02T17:30:00+07:00"></head>'
        f"<body><article><h1>Mưa đầu mùa ở Hà Nội</h1>{body}</article></body></html>"
    )


ARTICLE = page("".join(f"<p>{TEXT} Đoạn {i}.</p>" for i in range(4)))


def to_cp1258(text: str) -> bytes:
    """Encode as cp1258 does: precomposed vowels where the code page has them, tones as combining marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in marks:
            joined = unicodedata.normalize("NFC", base + mark)
            rest = "".join(m for m in marks if m != mark)
            try:
                out += joined.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def test_clean_article_reads() -> None:
    result = run_flow(ARTICLE.encode("utf-8"), URL, fetched_at=NOW)
    assert result.page_type == "article" and result.article is not None
    assert result.article.published_at == datetime(2026, 5, 2, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty page"),
        (b"   \n\t ", "empty page"),
        ("", "empty page"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"\x1f\x8b\x08\x00" + bytes(200), "gzip"),
        (bytes(range(256)) * 20, "binary"),
        (b"<html><head><title>x</title></head><body></body></html>", "no article"),
    ],
)
def test_unreadable_pages_give_an_error(data: bytes | str, reason: str) -> None:
    result = run_flow(data, URL, fetched_at=NOW)
    assert result.page_type == "error" and result.article is None
    assert result.error and reason.lower() in result.error.lower()


def test_wrong_arguments_do_not_raise() -> None:
    assert run_flow(ARTICLE, "", fetched_at=NOW).page_type == "error"
    assert run_flow(None, URL, fetched_at=NOW).page_type == "error"  # type: ignore[arg-type]


def test_truncated_html_gives_best_result() -> None:
    cut = ARTICLE[: ARTICLE.index("Đoạn 2") + 3]
    result = run_flow(cut.encode("utf-8"), URL, fetched_at=NOW)
    assert result.article is not None
    assert result.article.title == "Mưa đầu mùa ở Hà Nội"
    assert "Đoạn 1" in result.article.body


def test_cp1258_page_declared_utf8_is_read_and_nfc() -> None:
    result = run_flow(to_cp1258(ARTICLE), URL, fetched_at=NOW)
    article = result.article
    assert article is not None
    assert article.title == "Mưa đầu mùa ở Hà Nội"
    assert unicodedata.is_normalized("NFC", article.body) and TEXT in article.body
    assert article.raw is not None and article.raw.encoding == "cp1258"
    assert any("cp1258" in w for w in article.extraction.warnings)


def test_cp1258_page_declared_latin1() -> None:
    data = to_cp1258(page(f"<p>{TEXT}</p>" * 3, head='<meta charset="iso-8859-1">'))
    article = run_flow(data, URL, fetched_at=NOW).article
    assert article is not None and TEXT in article.body


def test_utf8_page_declared_cp1258_and_missing_charset() -> None:
    for head in ('<meta charset="windows-1258">', ""):
        article = run_flow(page(f"<p>{TEXT}</p>" * 3, head=head).encode("utf-8"), URL, fetched_at=NOW).article
        assert article is not None and TEXT in article.body


def test_http_charset_argument_is_used_when_it_decodes() -> None:
    result = run_flow(to_cp1258(page(f"<p>{TEXT}</p>" * 3, head="")), URL, fetched_at=NOW, encoding="cp1258")
    assert result.article is not None and result.article.raw is not None
    assert result.article.raw.encoding == "cp1258"


def test_decomposed_utf8_is_composed() -> None:
    nfd = unicodedata.normalize("NFD", ARTICLE)
    article = run_flow(nfd.encode("utf-8"), URL, fetched_at=NOW).article
    assert article is not None and article.title == "Mưa đầu mùa ở Hà Nội"


def test_five_megabyte_page() -> None:
    filler = "".join(f'<div class="box"><a href="/x{i}">Liên kết {i}</a></div>' for i in range(60_000))
    data = page(f"<p>{TEXT}</p>" * 3 + f"<aside>{filler}</aside>").encode("utf-8")
    assert len(data) > 3_000_000
    start = time.monotonic()
    result = run_flow(data, URL, fetched_at=NOW)
    assert time.monotonic() - start < 30
    assert result.article is not None and TEXT in result.article.body


def test_naive_fetch_time_is_vietnamese_local_time() -> None:
    # As parse_date and select_dates read a naive time: 09:00 naive is 09:00+07:00, 02:00 UTC.
    article = run_flow(ARTICLE, URL, fetched_at=datetime(2026, 12, 1, 9, 0)).article
    assert article is not None
    assert article.fetched_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert any("Vietnamese local time" in w for w in article.extraction.warnings)


def test_naive_fetch_time_resolves_relative_dates_as_local_time() -> None:
    html = ARTICLE.replace(
        '<meta property="article:published_time" content="2026-05-02T17:30:00+07:00">',
        '<meta property="article:published_time" content="2 giờ trước">',
    )
    naive = run_flow(html, URL, fetched_at=datetime(2026, 12, 1, 9, 0)).article
    aware = run_flow(html, URL, fetched_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC)).article
    assert naive is not None and aware is not None
    assert naive.published_at == aware.published_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


CHALLENGE = (
    "<html><head><title>Just a moment...</title></head><body>"
    "<div id='challenge-platform'>Checking your browser before accessing the site.</div>"
    "<script>window._cf_chl_opt={};</script></body></html>"
)
REDIRECT = (
    '<html><head><meta http-equiv="refresh" content="0; url=https://baokhac.example.vn/bai-goc-1.html">'
    "<title>Đang chuyển trang</title></head><body><p>Đang chuyển đến bài gốc…</p></body></html>"
)
JS_REDIRECT = (
    "<html><head><title>Tin tức</title></head><body><script>window.location.href='https://x.example.vn/a';"
    "</script></body></html>"
)
LISTING = (
    "<html><head><title>Thời sự - Báo Địa Phương</title>"
    "<meta property='og:type' content='website'></head><body>"
    + "".join(
        f"<div class='item'><h3><a href='/tin-{i}.html'>Tiêu đề bản tin số {i}</a></h3></div>"
        for i in range(60)
    )
    + "</body></html>"
)
NOT_FOUND = (
    "<html><head><title>404 - Không tìm thấy trang</title></head>"
    "<body><p>Trang không tồn tại.</p></body></html>"
)


def error_page(title: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><p>Xin lỗi, đường dẫn không đúng.</p></body></html>"
    )


@pytest.mark.parametrize(
    ("html", "page_type", "reason"),
    [
        (CHALLENGE, "challenge", "bot challenge"),
        (REDIRECT, "redirect", "baokhac.example.vn"),
        (JS_REDIRECT, "redirect", "redirect"),
        (LISTING, "listing", "listing"),
        (NOT_FOUND, "error", "error page"),
        (error_page("Page not found"), "error", "error page"),
        (error_page("404 Not Found"), "error", "error page"),
        (error_page("Lỗi 404 | Báo Địa Phương"), "error", "error page"),
        (error_page("Trang không tồn tại - Báo Địa Phương"), "error", "error page"),
    ],
)
def test_pages_that_are_not_news(html: str, page_type: str, reason: str) -> None:
    result = run_flow(html.encode("utf-8"), URL, fetched_at=NOW)
    assert (result.page_type, result.article) == (page_type, None)
    assert result.error and reason in result.error


def test_article_mentioning_captcha_is_still_an_article() -> None:
    body = f"<p>{TEXT} Hệ thống captcha mới được áp dụng cho cổng dịch vụ công.</p>" * 4
    assert run_flow(page(body), URL, fetched_at=NOW).page_type == "article"


def test_self_refresh_is_not_a_redirect() -> None:
    html = ARTICLE.replace("<title>", '<meta http-equiv="refresh" content="1800"><title>')
    assert run_flow(html, URL, fetched_at=NOW).page_type == "article"


@pytest.mark.parametrize(
    "title",
    [
        "Xử phạt lỗi vượt đèn đỏ: tài xế bị tước bằng",
        "404 ca mắc mới trong ngày",
        "Không tìm thấy thi thể nạn nhân",
    ],
)
def test_article_whose_title_has_error_words_is_an_article(title: str) -> None:
    body = "".join(f"<p>{TEXT} Đoạn {i}.</p>" for i in range(4))
    with_signals = page(body).replace("Mưa đầu mùa ở Hà Nội", title)
    result = run_flow(with_signals, URL, fetched_at=NOW)
    assert result.page_type == "article" and result.article is not None
    assert result.article.title == title
    # Without og:type or a published time the title alone must still not make it an error page.
    bare = (
        f"<html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )
    result = run_flow(bare, URL, fetched_at=NOW)
    assert result.page_type == "article" and result.article is not None
