"""Meta refresh read from the page's head: Scrapy's decisions, without decoding the whole page."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.meta_refresh import HEAD_BYTES, HeadMetaRefreshMiddleware

URL = "https://baotintuc.vn/thoi-su/bai-cu-20261201.htm"
TARGET = "https://baotintuc.vn/thoi-su/bai-moi-20261201.htm"
TEXT = "Hội nghị thường niên của các địa phương về phát triển kinh tế biển. "  # 2-3 bytes a letter
REFRESH = f'<meta http-equiv="refresh" content="0; url={TARGET}">'


def _page(before: int, refresh: bool = True, charset: bool = True) -> HtmlResponse:
    """A page of ~40 KB: `before` characters of Vietnamese text in the head, then (or not) the tag."""
    head = ("<meta charset='utf-8'>" if charset else "") + "<title>" + (TEXT * 200)[:before] + "</title>"
    html = f"<html><head>{head}{REFRESH if refresh else ''}</head><body><p>{TEXT * 500}</p></body></html>"
    return HtmlResponse(URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html"})


def _both() -> tuple[HeadMetaRefreshMiddleware, MetaRefreshMiddleware]:
    crawler = get_crawler()
    return HeadMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("charset", [True, False], ids=["declared", "detected"])
@pytest.mark.parametrize(
    ("before", "followed"),
    # 3,900 characters of Vietnamese take over 4,096 bytes: the tag still lies in the first 4,096
    # characters; past them Scrapy does not look, and neither does this middleware
    [(100, True), (3900, True), (4200, False)],
    ids=["first-bytes", "past-4096-bytes", "past-4096-characters"],
)
def test_the_refresh_is_decided_as_scrapy_decides_it(before, followed, charset):
    ours, scrapys = _both()
    request = Request(URL)
    page = _page(before, charset=charset)
    assert len(page.body) > 2 * HEAD_BYTES  # the head is cut from a longer page
    got = ours.process_response(request, page)
    expected = scrapys.process_response(request, _page(before, charset=charset))
    if followed:
        assert isinstance(got, Request) and got.url == TARGET
    else:
        assert got is page
    assert type(got) is type(expected)
    assert getattr(got, "url", None) == getattr(expected, "url", None)


def test_a_page_without_a_refresh_is_handed_on_undecoded():
    ours, scrapys = _both()
    mine, theirs = _page(100, refresh=False), _page(100, refresh=False)
    assert ours.process_response(Request(URL), mine) is mine
    assert scrapys.process_response(Request(URL), theirs) is theirs
    assert theirs._cached_ubody is not None  # Scrapy decoded the whole page and keeps the copy
    assert mine._cached_ubody is None  # the head was decoded, the page itself never
    assert mine.text == theirs.text  # nothing lost


def test_a_short_page_and_the_setting_behave_as_scrapys():
    ours, _ = _both()
    short = HtmlResponse(URL, body=f"<html><head>{REFRESH}</head></html>".encode(), encoding="utf-8")
    got = ours.process_response(Request(URL), short)
    assert isinstance(got, Request) and got.url == TARGET
    with pytest.raises(NotConfigured):
        HeadMetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={"METAREFRESH_ENABLED": False}))
