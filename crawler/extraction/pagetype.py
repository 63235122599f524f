"""Pages that are not news items: bot challenges answering 200, redirects, listings, error pages."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extraction import patterns as pt
from crawler.extraction import xpath
from crawler.extraction.structured import Structured

# Interstitials are small: a challenge or access-denied page shows less text than this (characters).
CHALLENGE_MAX_VISIBLE = 3000
# Words an article may also contain ("captcha", "access denied") count only on pages this small.
WEAK_CHALLENGE_MAX_VISIBLE = 1500
# How far into the raw page challenge markers are looked for: they sit in the head or the first script.
CHALLENGE_SCAN_CHARS = 200_000
# A meta refresh of at most this many seconds is a redirect; a longer one is a page reloading itself.
MAX_REFRESH_SECONDS = 10
# A script redirect page has less visible text than this; an article can carry the same scripts.
REDIRECT_MAX_VISIBLE = 200
# An error page ("404 - Không tìm thấy trang") shows less text than this; articles are longer.
ERROR_MAX_VISIBLE = 5000
# A listing has at least this many links ...
LISTING_MIN_LINKS = 40
# ... and fewer body words than this, or this share of its body lines are links (teasers' headlines).
LISTING_MAX_BODY_WORDS = 150
LISTING_LINKED_SHARE = 0.3
# A run of consecutive sentence lines of at least this many words under a headline is an article (a
# reader letter, a short story), even among hundreds of links: a listing's teasers are one line each.
ARTICLE_RUN_WORDS = 50
# ... made of at least this many sentences: one long teaser is not a run.
ARTICLE_RUN_SENTENCES = 3
# A headline has at least this many words; a section page's h1 ("Thời sự") has fewer.
HEADLINE_MIN_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?…:;\"”)](?:\s|$)")

# Markers only interstitials carry (any case), and words an article may also contain (weak: need no
# article signs).
_CHALLENGE_PHRASES = (
    "just a moment...",
    "checking your browser",
    "cf-browser-verification",
    "challenge-platform",
    "cf_chl_opt",
    "attention required! | cloudflare",
    "ddos protection by",
    "_incapsula_resource",
)
_CHALLENGE_MARKERS = re.compile("|".join(map(re.escape, _CHALLENGE_PHRASES)), re.IGNORECASE)
_ASCII_CHALLENGE_PHRASES = tuple(p.lower().encode("ascii") for p in _CHALLENGE_PHRASES)
# The characters outside ASCII that a case-insensitive regex matches to an ASCII letter: ſ (s),
# K (Kelvin sign, k), İ and ı (i).
_ASCII_CASE_TWINS = "\u017f\u212a\u0130\u0131"
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
_INVISIBLE = " or ".join(f"self::{tag}" for tag in pt.INVISIBLE_TAGS)
_VISIBLE_TEXT = xpath.strings(
    "//body//text()[" + " and ".join(f"not(ancestor::{tag})" for tag in pt.INVISIBLE_TAGS) + "]",
    plain=True,
)
# The same text as all the body's text less the text inside invisible elements within the body: one
# pass each instead of four ancestor walks per text node. It is the same whenever no body sits inside
# an invisible element (then every invisible ancestor of a body text is itself within a body).
_BODY_TEXT = xpath.strings("//body//text()", plain=True)
_INVISIBLE_BODY_TEXT = xpath.strings(f"//body//*[{_INVISIBLE}]//text()", plain=True)
_HIDDEN_BODY = xpath.boolean(f"boolean(//body[ancestor::*[{_INVISIBLE}]])")
_ANCHORS = xpath.elements("//body//a[@href]")
_TITLE = xpath.string("string(//title)")
_SCRIPTS = xpath.strings("//script[not(@type='application/ld+json')]/text()")


def visible_text_length(tree: HtmlElement) -> int:
    """Characters of the body's visible text nodes, each stripped (script, style, noscript and
    template content left out)."""
    if _HIDDEN_BODY(tree):
        return _stripped_length(_VISIBLE_TEXT(tree))
    return _stripped_length(_BODY_TEXT(tree)) - _stripped_length(_INVISIBLE_BODY_TEXT(tree))


def _stripped_length(texts: list[str]) -> int:
    return sum(map(len, map(str.strip, texts)))


def detect_challenge(tree: HtmlElement, raw_text: str, visible: int, looks_like_article: bool) -> str | None:
    """A bot-check or access-denied interstitial that the server answered with 200."""
    title = " ".join(str(_TITLE(tree)).split())
    if _CHALLENGE_TITLES.match(title) and visible < CHALLENGE_MAX_VISIBLE:
        return f"bot challenge page ({title!r})"
    head = raw_text[:CHALLENGE_SCAN_CHARS]
    marker = _challenge_marker(head) if visible < CHALLENGE_MAX_VISIBLE else None
    if marker is None and visible < WEAK_CHALLENGE_MAX_VISIBLE and not looks_like_article:
        marker = _WEAK_MARKERS.search(head)
    return f"bot challenge page (marker {marker.group(0)!r})" if marker else None


def _challenge_marker(head: str) -> re.Match[str] | None:
    """`_CHALLENGE_MARKERS.search(head)`, asked only when a cheap look finds one of the phrases.

    The look: the head as ASCII bytes (one byte per character, so the same positions), lower-cased,
    searched for each phrase. A case-insensitive match of an ASCII phrase is made of ASCII characters
    unless one of `_ASCII_CASE_TWINS` is in it, so without them the regex (a hundred times slower over
    a whole page: it tries every alternative at every position) finds nothing when the look does not.
    """
    if not any(twin in head for twin in _ASCII_CASE_TWINS):
        ascii_head = head.encode("ascii", "replace").lower()
        if not any(phrase in ascii_head for phrase in _ASCII_CHALLENGE_PHRASES):
            return None
    return _CHALLENGE_MARKERS.search(head)


def detect_redirect(tree: HtmlElement, url: str, structured: Structured, visible: int) -> str | None:
    """A page whose only job is to send the reader elsewhere (meta refresh or script, little text)."""
    refresh = structured.first_meta("refresh")
    if refresh:
        match = _REFRESH.match(refresh)
        if match and int(match.group(1)) <= MAX_REFRESH_SECONDS:
            target = urljoin(url, match.group(2).strip())
            if target.rstrip("/") != url.rstrip("/"):
                return f"redirect page to {target}"
    if visible < REDIRECT_MAX_VISIBLE and any(_JS_REDIRECT.search(s) for s in _SCRIPTS(tree)):
        return "redirect page (script sends the reader elsewhere)"
    return None


def detect_error(tree: HtmlElement, visible: int) -> str | None:
    """A "not found" or server-error page answered with 200; only asked when the page has no article signs."""
    title = " ".join(str(_TITLE(tree)).split())
    if title and _ERROR_TITLES.search(title) and visible < ERROR_MAX_VISIBLE:
        return f"error page ({title!r})"
    return None


def looks_like_listing(tree: HtmlElement, lines: list[str], headline: str) -> bool:
    """Many links and no article text among them: a section or home page.

    `lines` are the body's lines, links blanked. A headline over a long run of sentences is an
    article however many menu and sidebar links surround it: refusing a real article loses it for good.
    A page of teasers (a linked headline, a summary, again and again) has no such run.
    """
    if len(headline.split()) >= HEADLINE_MIN_WORDS and has_sentence_run(lines):
        return False
    if len(_ANCHORS(tree)) < LISTING_MIN_LINKS:
        return False
    words = sum(len(line.split()) for line in lines)
    linked = sum(1 for line in lines if not line)
    return words < LISTING_MAX_BODY_WORDS or linked >= LISTING_LINKED_SHARE * max(len(lines), 1)


def has_sentence_run(lines: list[str]) -> bool:
    """Consecutive lines that are sentences, together at least ARTICLE_RUN_WORDS words."""
    words = sentences = 0
    for line in lines:
        ends = len(_SENTENCE_END.findall(line + " "))
        if ends == 0:  # a headline or a label breaks the run
            words = sentences = 0
            continue
        words += len(line.split())
        sentences += ends
        if words >= ARTICLE_RUN_WORDS and sentences >= ARTICLE_RUN_SENTENCES:
            return True
    return False
