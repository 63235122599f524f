"""Pages that are not news items: bot challenges answering 200, redirects, listings, error pages."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.structured import Structured

# Markers only interstitials carry, and words an article may also contain (weak: need no article signs).
_CHALLENGE_MARKERS = re.compile(
    r"just a moment\.\.\.|checking your browser|cf-browser-verification|challenge-platform|cf_chl_opt|"
    r"attention required! \| cloudflare|ddos protection by|_incapsula_resource",
    re.IGNORECASE,
)
_WEAK_MARKERS = re.compile(
    r"please enable (?:javascript|cookies)|verify you are (?:a )?human|are you a robot|"
    r"xác minh bạn là người|access denied|captcha",
    re.IGNORECASE,
)
_CHALLENGE_TITLES = re.compile(
    r"^(?:just a moment|attention required|access denied|security check|ddos|captcha|one more step|"
    r"please wait|checking your browser|verify)",
    re.IGNORECASE,
)
# Titles only error pages carry: a status code leading the title ("404 - …", "404 Not Found",
# "Error 500"), or a phrase that says the page is missing. A bare "lỗi" or a number is article wording
# ("Xử phạt lỗi vượt đèn đỏ", "404 ca mắc mới").
_ERROR_TITLES = re.compile(
    r"^(?:(?:error|lỗi|http)\s*)?(?:403|404|410)"
    r"(?:\s*(?:[-–—|:.!]|$)|\s+(?:not found|error|lỗi|forbidden|gone)\b)"
    r"|^(?:error|lỗi|http)\s*(?:40[034]|410|50[0-4])\b"
    r"|^50[0-4]\s*[-–—|:]?\s*(?:error|lỗi|internal server error|bad gateway|service unavailable)\b"
    r"|\b(?:page not found|not found|internal server error|bad gateway|service unavailable|"
    r"không tìm thấy trang|không tìm thấy nội dung|không tìm thấy bài viết|không tìm thấy đường dẫn|"
    r"trang không tồn tại|trang bạn tìm không tồn tại|bài viết không tồn tại|nội dung không tồn tại|"
    r"đường dẫn không tồn tại|trang đã bị xóa|bài viết đã bị xóa)\b"
    r"|^(?:đã\s+)?có lỗi xảy ra\b|^đã xảy ra lỗi\b",
    re.IGNORECASE,
)
_JS_REDIRECT = re.compile(
    r"(?:window|document|top)\.location(?:\.href)?\s*=|location\.replace\(", re.IGNORECASE
)
_REFRESH = re.compile(r"^\s*(\d+)\s*[;,]\s*url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
    " and not(ancestor::template)]"
)
_ANCHORS = etree.XPath("//body//a[@href]")
_TITLE = etree.XPath("string(//title)")
_SCRIPTS = etree.XPath("//script[not(@type='application/ld+json')]/text()")


def visible_text_length(tree: HtmlElement) -> int:
    return sum(len(t.strip()) for t in _VISIBLE_TEXT(tree))


def detect_challenge(tree: HtmlElement, raw_text: str, visible: int, looks_like_article: bool) -> str | None:
    """A bot-check or access-denied interstitial that the server answered with 200."""
    title = " ".join(str(_TITLE(tree)).split())
    if _CHALLENGE_TITLES.match(title) and visible < 3000:
        return f"bot challenge page ({title!r})"
    head = raw_text[:200_000]
    marker = _CHALLENGE_MARKERS.search(head) if visible < 3000 else None
    if marker is None and visible < 1500 and not looks_like_article:
        marker = _WEAK_MARKERS.search(head)
    return f"bot challenge page (marker {marker.group(0)!r})" if marker else None


def detect_redirect(tree: HtmlElement, url: str, structured: Structured, visible: int) -> str | None:
    """A page whose only job is to send the reader elsewhere (meta refresh or script, little text)."""
    refresh = structured.first_meta("refresh")
    if refresh:
        match = _REFRESH.match(refresh)
        if match and int(match.group(1)) <= 10:
            target = urljoin(url, match.group(2).strip())
            if target.rstrip("/") != url.rstrip("/"):
                return f"redirect page to {target}"
    if visible < 200 and any(_JS_REDIRECT.search(s) for s in _SCRIPTS(tree)):
        return "redirect page (script sends the reader elsewhere)"
    return None


def detect_error(tree: HtmlElement, visible: int) -> str | None:
    """A "not found" or server-error page answered with 200; only asked when the page has no article signs."""
    title = " ".join(str(_TITLE(tree)).split())
    if title and _ERROR_TITLES.search(title) and visible < 5000:
        return f"error page ({title!r})"
    return None


def looks_like_listing(tree: HtmlElement, body_words: int, has_article_signals: bool) -> bool:
    """Many links, little running text, and no sign of a single article: a section or home page."""
    if has_article_signals and body_words >= 80:
        return False
    anchors = len(_ANCHORS(tree))
    return anchors >= 40 and body_words < 150
