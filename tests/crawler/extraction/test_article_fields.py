"""Fields of one extracted article on small pages written for these tests: page type, URL and domain,
credits at the end of the body, dates from the URL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.normalize import canonical_url
from tests.factories import run_flow

NOW = datetime(2026, 12, 1, tzinfo=UTC)
VN = timezone(timedelta(hours=7))
TEXT = (
    "Người dân Hà Nội đổ ra đường đón mưa đầu mùa sau nhiều ngày nắng nóng kéo dài. "
    "Nhiệt độ giảm nhanh, nhiều tuyến phố đông đúc trở lại vào buổi chiều tối."
)
PARAGRAPHS = "".join(f"<p>{TEXT} Đoạn {i}.</p>" for i in range(4))


def page(body: str = PARAGRAPHS, *, title: str = "Mưa đầu mùa ở Hà Nội", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


ARTICLE_HEAD = (
    '<meta property="og:type" content="article">'
    '<meta property="article:published_time" content="2026-05-02T17:30:00+07:00">'
)


def jsonld(*objects: dict) -> str:
    return "".join(
        f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>' for o in objects
    )


VIDEO = {
    "@context": "https://schema.org",
    "@type": "VideoObject",
    "name": "Mưa đầu mùa ở Hà Nội",
    "description": "Người dân đổ ra đường đón mưa.",
    "uploadDate": "2026-05-02T17:30:00+07:00",
    "contentUrl": "https://baodiaphuong.example.vn/video/mua-dau-mua.mp4",
}
NEWS = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Mưa đầu mùa ở Hà Nội",
    "datePublished": "2026-05-02T17:30:00+07:00",
}


def test_page_with_only_a_video_object_is_a_video() -> None:
    url = "https://baodiaphuong.example.vn/video/mua-dau-mua-1001.html"
    result = run_flow(page(head=jsonld(VIDEO)), url, fetched_at=NOW)
    assert result.page_type == "video"
    assert result.article is not None and result.article.page_type == "video"
    assert result.article.published_at == datetime(2026, 5, 2, 10, 30, tzinfo=UTC)


def test_article_with_an_embedded_video_is_an_article() -> None:
    url = "https://baodiaphuong.example.vn/xa-hoi/mua-dau-mua-1001.html"
    result = run_flow(page(head=jsonld(NEWS, VIDEO)), url, fetched_at=NOW)
    assert result.page_type == "article"


def test_domain_is_the_canonical_urls_host() -> None:
    head = ARTICLE_HEAD + '<link rel="canonical" href="https://znews.vn/mua-dau-mua-post1001.html">'
    result = run_flow(page(head=head), "https://zingnews.vn/mua-dau-mua-post1001.html", fetched_at=NOW)
    article = result.article
    assert article is not None
    assert article.url == "https://znews.vn/mua-dau-mua-post1001.html"
    assert article.domain == "znews.vn"
    assert article.fetched_url == "https://zingnews.vn/mua-dau-mua-post1001.html"


@pytest.mark.parametrize("port", ["99999", "abc"])
def test_bad_canonical_port_falls_back_to_the_fetched_url(port: str) -> None:
    url = "https://baodiaphuong.example.vn/xa-hoi/mua-dau-mua-1001.html"
    head = ARTICLE_HEAD + f'<link rel="canonical" href="https://baodiaphuong.example.vn:{port}/x.html">'
    result = run_flow(page(head=head), url, fetched_at=NOW)
    assert result.page_type == "article" and result.article is not None
    assert result.article.url == url
    assert result.article.domain == "baodiaphuong.example.vn"
    assert any("rel=canonical ignored" in w and port in w for w in result.article.extraction.warnings)


def test_fetched_url_with_a_bad_port_is_a_clear_error() -> None:
    result = run_flow(page(head=ARTICLE_HEAD), "https://vnexpress.net:99999/x.html", fetched_at=NOW)
    assert (result.page_type, result.article) == ("error", None)
    assert result.error is not None and result.error.startswith("unusable URL")


def test_dashed_date_in_the_url_is_collected() -> None:
    url = "https://baodiaphuong.example.vn/xa-hoi/mua-lon-2012-12-25-1001.html"
    article = run_flow(page(head='<meta property="og:type" content="article">'), url, fetched_at=NOW).article
    assert article is not None
    assert article.published_at == datetime(2012, 12, 25, tzinfo=VN)
    assert (article.published.source, article.published.precision) == ("url", "day")


# --- the end of the body: bylines, credits, notes ---------------------------------------------------


def vnexpress_page(last: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Mưa đầu mùa</title></head><body>"
        "<h1 class='title-detail'>Mưa đầu mùa ở Hà Nội</h1><article class='fck_detail'>"
        + "".join(f"<p class='Normal'>{TEXT} Đoạn {i}.</p>" for i in range(4))
        + last
        + "</article></body></html>"
    )


VNEXPRESS_URL = "https://vnexpress.net/mua-dau-mua-o-ha-noi-1001.html"


def test_bold_signature_with_a_note_gives_the_author_and_no_credit() -> None:
    html = vnexpress_page("<p class='Normal'><strong>Quỳnh Anh (tổng hợp)</strong></p>")
    article = run_flow(html, VNEXPRESS_URL, fetched_at=NOW).article
    assert article is not None
    assert (article.authors, article.credit) == (["Quỳnh Anh"], None)
    assert article.body.endswith("Đoạn 3.")


def test_bold_signature_with_an_agency_gives_author_and_credit() -> None:
    html = vnexpress_page("<p class='Normal'><strong>Tâm Hằng (TTXVN)</strong></p>")
    article = run_flow(html, VNEXPRESS_URL, fetched_at=NOW).article
    assert article is not None
    assert (article.authors, article.credit) == (["Tâm Hằng"], "TTXVN")


@pytest.mark.parametrize(
    "last",
    [
        "(Còn nữa)",
        "(Tổng hợp)",
        "Theo ông Minh, dự án sẽ hoàn thành trong năm nay.",
        "Theo Bộ Y tế, cả nước ghi nhận thêm nhiều ca mắc.",
    ],
)
def test_closing_line_that_is_not_a_source_stays_in_the_body(last: str) -> None:
    url = "https://baodiaphuong.example.vn/xa-hoi/mua-dau-mua-1001.html"
    article = run_flow(page(PARAGRAPHS + f"<p>{last}</p>", head=ARTICLE_HEAD), url, fetched_at=NOW).article
    assert article is not None
    assert article.credit is None
    assert article.body.endswith(last)


@pytest.mark.parametrize(
    ("last", "credit"),
    [
        ("(Theo Reuters)", "Theo Reuters"),
        ("Theo Tuổi Trẻ", "Tuổi Trẻ"),
        ("Theo Reuters, AFP", "Reuters, AFP"),
    ],
)
def test_closing_source_line_is_the_credit(last: str, credit: str) -> None:
    url = "https://baodiaphuong.example.vn/xa-hoi/mua-dau-mua-1001.html"
    article = run_flow(page(PARAGRAPHS + f"<p>{last}</p>", head=ARTICLE_HEAD), url, fetched_at=NOW).article
    assert article is not None
    assert article.credit == credit
    assert article.body.endswith("Đoạn 3.")


@pytest.mark.parametrize("url", ["https://vnexpress.net:99999/x.html", "https://vnexpress.net:abc/x.html"])
def test_canonical_url_names_an_unusable_url(url: str) -> None:
    with pytest.raises(ValueError, match=r"unusable URL .*vnexpress\.net:"):
        canonical_url(url)


def test_canonical_url_keeps_a_real_port() -> None:
    assert (
        canonical_url("https://www.vnexpress.net:8443/x.html?utm_source=a")
        == "https://vnexpress.net:8443/x.html"
    )
