"""The generic layer on small pages of an outlet no rule was written for (our own made-up text): dates near
the headline, bylines, breadcrumbs, lead, title, where the body ends, and pages that are articles
however many links surround them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.extraction import extract_article
from crawler.extraction.pagetype import has_sentence_run
from crawler.items import DateCandidate
from tests.factories import run_flow

NOW = datetime(2026, 12, 1, tzinfo=UTC)
VN = timezone(timedelta(hours=7))
URL = "https://baodiaphuong.example.vn/xa-hoi/cau-moi-qua-song-1001.html"
TITLE = "Cây cầu mới nối hai bờ sông Lam"
SENTENCES = (
    "Sáng nay, cây cầu dài gần một cây số đã được thông xe sau hai năm thi công liên tục.",
    "Người dân hai xã không còn phải đi đò qua sông mỗi ngày để đến trường và đi chợ.",
    "Chủ đầu tư cho biết tổng vốn của dự án vào khoảng ba trăm tỷ đồng từ ngân sách tỉnh.",
    "Trong những ngày tới, đơn vị thi công sẽ hoàn thiện hệ thống đèn chiếu sáng trên cầu.",
)
BODY = "".join(f"<p>{s}</p>" for s in SENTENCES)
MENU = "<nav class='menu'>" + "".join(f"<a href='/muc-{i}'>Mục {i}</a>" for i in range(12)) + "</nav>"
RELATED = (
    "<div class='box-tinlienquan'><ul>"
    "<li><a href='/a-1.html'>Tỉnh khởi công tuyến đường ven biển mới</a> <span>(11/09/2012 08:22)</span></li>"
    "<li><a href='/a-2.html'>Huyện miền núi đón đoàn khách quốc tế</a> <span>(12/09/2012 09:30)</span></li>"
    "</ul></div>"
)
COMMENTS = "<div class='comment'><p>Cầu đẹp quá.</p><span class='time'>20/12/2012 21:00</span></div>"
FOOTER = "<footer><span class='date'>Thứ hai, 01/01/2024</span> Bản quyền Báo Địa Phương</footer>"


def page(
    article: str, *, head: str = "", before: str = MENU, after: str = RELATED + COMMENTS + FOOTER
) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE} - Báo Địa Phương</title>"
        f"<meta property='og:site_name' content='Báo Địa Phương'>{head}</head>"
        f"<body><h1 class='logo'><a href='/'>Báo Địa Phương</a></h1>{before}"
        f"<div class='main'>{article}</div>{after}</body></html>"
    )


def extract(html: str, url: str = URL):
    result = run_flow(html, url, fetched_at=NOW)
    assert result.article is not None, result.error
    return result.article


def candidates(html: str, url: str = URL) -> list[DateCandidate]:
    result = extract_article(html, url, fetched_at=NOW)
    assert result.article is not None, result.error
    return result.article.extraction.date_candidates


# ---- dates
def test_displayed_date_next_to_the_headline_is_the_published_time() -> None:
    html = page(f"<h1>{TITLE}</h1><div class='info'>Thứ năm, 20/12/2012, 10:18 GMT+7</div>{BODY}")
    article = extract(html)
    assert article.published_at == datetime(2012, 12, 20, 10, 18, tzinfo=VN)
    assert article.published.source == "header"
    assert article.published.displayed == "Thứ năm, 20/12/2012, 10:18 GMT+7"


def test_dates_of_related_items_comments_and_footer_are_never_candidates() -> None:
    html = page(f"<h1>{TITLE}</h1>{BODY}")
    found = candidates(html)
    assert [c.source for c in found] == ["url"]
    assert extract(html).published_at is None


def test_closest_date_to_the_headline_comes_first_and_update_is_modified() -> None:
    html = page(
        "<span class='date'>Thứ hai, 17/12/2012</span><div>quảng cáo</div><div>x</div>"
        f"<h1>{TITLE}</h1><p class='meta'>19/12/2012 17:41 | Cập nhật: 19/12/2012 20:05</p>{BODY}"
    )
    found = [c for c in candidates(html) if c.source == "header"]
    assert found[0] == DateCandidate("header", "19/12/2012 17:41", "published")
    assert DateCandidate("header", "Cập nhật 19/12/2012 20:05", "modified") in found
    article = extract(html)
    assert article.published_at == datetime(2012, 12, 19, 17, 41, tzinfo=VN)
    assert article.modified_at == datetime(2012, 12, 19, 20, 5, tzinfo=VN)


def test_a_lone_update_time_is_also_offered_as_the_published_time() -> None:
    html = page(
        f"<h1>{TITLE}</h1><span class='timestamp'>| Cập nhật thứ hai, ngày 24/12/12 11:05 tối</span>{BODY}"
    )
    result = extract_article(html, URL, fetched_at=NOW)
    assert result.article is not None
    assert "published time taken from the update time" in " ".join(result.article.extraction.warnings)
    assert extract(html).published_at == datetime(2012, 12, 24, 23, 5, tzinfo=VN)


def test_metadata_outranks_the_displayed_date_and_the_url_date_comes_last() -> None:
    head = "<meta property='article:published_time' content='2012-12-21T15:20:00+07:00'>"
    html = page(f"<h1>{TITLE}</h1><span class='timePost'>15:20 PM | 21/12/2012</span>{BODY}", head=head)
    url = "https://baodiaphuong.example.vn/2012/12/21/cau-moi-1001.html"
    found = candidates(html, url)
    assert [c.source for c in found] == ["meta", "header", "url"]
    assert extract(html, url).published.source == "meta"


# ---- bylines
@pytest.mark.parametrize(
    ("byline", "authors", "credit"),
    [
        ("<div class='author'>Tâm Hằng <i>(TTXVN)</i></div>", ["Tâm Hằng"], "TTXVN"),
        ("<p class='tacgia'>Giang Huy - Hoàng Phương</p>", ["Giang Huy", "Hoàng Phương"], None),
        ("<span class='author'>Báo Địa Phương</span>", [], None),
        ("<div class='nguontin'>Theo Bóng đá Plus</div>", [], "Bóng đá Plus"),
    ],
)
def test_author_elements(byline: str, authors: list[str], credit: str | None) -> None:
    article = extract(page(f"<h1>{TITLE}</h1>{byline}{BODY}"))
    assert article.authors == authors
    assert article.credit == credit


def test_closing_right_aligned_bold_line_is_the_byline() -> None:
    body = BODY + "<p style='text-align:right'><b>Quang Phong và Tùng Nguyên</b></p>"
    article = extract(page(f"<h1>{TITLE}</h1>{body}"))
    assert article.authors == ["Quang Phong", "Tùng Nguyên"]
    assert "Tùng Nguyên" not in article.body


# ---- category
def test_breadcrumb_without_its_home_link_whatever_the_label() -> None:
    crumbs = "<div class='breadcrumb'><a href='/'>Địa Phương</a> › <a href='/xa-hoi'>Xã hội</a></div>"
    assert extract(page(f"{crumbs}<h1>{TITLE}</h1>{BODY}")).category == "Xã hội"


def test_link_path_next_to_the_headline_is_a_breadcrumb_and_a_menu_is_not() -> None:
    trail = "<div class='fl'><a href='/'>Trang chủ</a> &gt; <a href='/xa-hoi.htm'>Xã hội</a></div>"
    assert extract(page(f"{trail}<h1>{TITLE}</h1>{BODY}")).category == "Xã hội"
    menu = (
        "<div><a href='/'>Trang chủ</a><a href='/van-hoa'>Văn hóa</a><a href='/the-thao'>Thể thao</a></div>"
    )
    assert extract(page(f"{menu}<h1>{TITLE}</h1>{BODY}")).category is None


# ---- lead and title
def test_sapo_block_keeps_its_prefix_as_the_dateline() -> None:
    lead = "<h2 class='sapo'>(BĐP) - Cây cầu mới giúp người dân hai xã đi lại thuận tiện hơn nhiều.</h2>"
    article = extract(page(f"<h1>{TITLE}</h1>{lead}{BODY}"))
    assert (article.dateline, article.lead) == (
        "(BĐP)",
        "Cây cầu mới giúp người dân hai xã đi lại thuận tiện hơn nhiều.",
    )
    assert article.title == TITLE  # the h1, not "<title> - Báo Địa Phương", not the logo h1


LEAD = "Cây cầu mới giúp người dân hai xã bên sông Lam đi lại thuận tiện hơn trước nhiều."


def test_first_bold_paragraph_under_the_headline_is_the_lead() -> None:
    article = extract(
        page(f"<h1>{TITLE}</h1><div class='content'><p><strong>{LEAD}</strong></p>{BODY}</div>")
    )
    assert article.lead == LEAD
    assert not article.body.startswith("Cây cầu mới")


def test_description_meta_is_a_lead_only_when_the_page_shows_it() -> None:
    head = "<meta name='description' content='Bản tóm tắt viết lại cho máy tìm kiếm, không hiện trên trang.'>"
    article = extract(page(f"<h1>{TITLE}</h1><div class='content'>{BODY}</div>", head=head))
    assert article.lead is None
    assert article.body.startswith(SENTENCES[0])


# ---- where the body ends
def test_body_ends_before_related_links_tags_and_link_only_video_lines() -> None:
    tail = (
        "<p><a href='/video/1'>Xem thêm video: Lễ thông xe cầu mới</a></p>"
        "<p><b>Tin liên quan</b></p>"
        "<p><a href='/b-1'>Tỉnh xây thêm hai cây cầu vượt sông trong năm tới</a></p>"
        "<p>Từ khóa: cầu, sông Lam</p>"
    )
    article = extract(page(f"<h1>{TITLE}</h1><div class='content'>{BODY}{tail}</div>"))
    assert article.body.split("\n")[-1] == SENTENCES[-1]


# ---- page type
def test_reader_letter_among_hundreds_of_links_is_an_article() -> None:
    links = "".join(f"<li><a href='/tin-{i}.html'>Tin số {i} trong ngày</a></li>" for i in range(200))
    letter = "".join(f"<p>{s}</p>" for s in SENTENCES[:3])
    result = run_flow(page(f"<h1>{TITLE}</h1>{letter}", before=f"<ul>{links}</ul>"), URL, fetched_at=NOW)
    assert result.page_type == "article"


def test_section_page_of_teasers_is_a_listing() -> None:
    teasers = "".join(
        f"<h3><a href='/tin-{i}.html'>Tin số {i}: tỉnh khởi công công trình</a></h3><p>{SENTENCES[i % 4]}</p>"
        for i in range(40)
    )
    result = run_flow(
        page(f"<h1>Xã hội</h1>{teasers}"), "https://baodiaphuong.example.vn/xa-hoi", fetched_at=NOW
    )
    assert result.page_type == "listing"


def test_sentence_run() -> None:
    assert has_sentence_run(list(SENTENCES[:3]))
    assert not has_sentence_run([SENTENCES[0], "Tiêu đề một tin khác", SENTENCES[1], "", SENTENCES[2]])


# ---- AMP
def test_amp_picture_and_caption() -> None:
    figure = (
        "<figure><amp-img src='https://cdn.example.vn/cau.jpg' width='600' height='400'></amp-img>"
        "<figcaption>Cây cầu trong ngày thông xe. Ảnh: Văn Hùng</figcaption></figure>"
    )
    article = extract(page(f"<h1>{TITLE}</h1><div class='content'>{SENTENCES[0]}{figure}{BODY}</div>"))
    assert [(i.url, i.caption, i.credit) for i in article.images] == [
        ("https://cdn.example.vn/cau.jpg", "Cây cầu trong ngày thông xe.", "Văn Hùng")
    ]
