"""Bad pages of our own, generated in the test (never committed): each a raw body with its headers,
served by the replay under a dantri article URL that the outlet's feeds list.

`BAD_PAGES` maps a name to (builder, what the crawl must do with it). The big ones (50 MB, a gzip
bomb, 100k nested elements, 100k links) are built when asked for, so importing this costs nothing.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crawler.items import VN_TZ
from crawler.replay import ReplayPage, ReplaySite
from crawler.replay.site import Reply

OUTLET = "dantri"
MIB = 1024 * 1024
HUGE_PAGE_BYTES = 50 * MIB  # the 50 MB page: three times the 16 MB DOWNLOAD_MAXSIZE
BOMB_INFLATED_BYTES = 256 * MIB  # what the gzip bomb inflates to: 16× the cap, ~250 KB on the wire
BOMB_CHUNK = 4 * MIB  # the bomb is compressed in chunks: the test never holds it inflated either
NESTED_ELEMENTS = 100_000  # the issue's 100k nested elements (libxml2's default depth limit is 256)
LINKS = 100_000  # the 100k links on one page
JUNK_BYTES = 200_000  # binary junk: as big as a real article page
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng: combining in windows-1258
JUNK_SEED = 13  # the same junk every run
UNDATED_ID = 99_999_999_000_000_000  # 17 digits that read as no date (year 9999, month 99)
PUBLISHED = datetime(2026, 10, 20, 9, 0, tzinfo=VN_TZ)  # dates of our own pages (inside no window)

TITLE = "Người dân miền Trung khẩn trương khắc phục hậu quả lũ lụt"
BODY = (
    "Sau trận lũ lịch sử, hàng nghìn hộ dân ở các tỉnh miền Trung đã bắt tay dọn dẹp nhà cửa, "
    "trường học và đường sá. Chính quyền địa phương huy động lực lượng vũ trang, thanh niên tình nguyện "
    "cùng người dân khắc phục hậu quả, sớm ổn định cuộc sống. Nhiều tuyến đường liên xã bị sạt lở đã "
    "được thông xe trở lại, các trường học dự kiến đón học sinh trong tuần tới."
)


def article_html(title: str = TITLE, *, dated: bool = True, charset: str = "utf-8", extra: str = "") -> str:
    """A small dantri-like article page of our own, with or without any date on it."""
    date_meta = f'<meta property="article:published_time" content="{PUBLISHED.isoformat()}">' if dated else ""
    date_line = f'<time class="author-time">{PUBLISHED:%d/%m/%Y - %H:%M}</time>' if dated else ""
    paragraphs = "".join(f"<p>{BODY} Đoạn {i + 1}.</p>" for i in range(6))
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="og:title" content="{title}">{date_meta}</head><body>'
        f'<article class="singular-container"><h1 class="title-page detail">{title}</h1>{date_line}'
        f'<h2 class="singular-sapo">{BODY[:120]}</h2><div class="singular-content">{paragraphs}{extra}</div>'
        '<div class="author-name"><b>Minh Anh</b></div></article></body></html>'
    )


def html(body: bytes, charset: str | None = "utf-8", **headers: str) -> Reply:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return Reply(200, content_type, body, headers)


def junk() -> Reply:
    return html(random.Random(JUNK_SEED).randbytes(JUNK_BYTES))


def truncated() -> Reply:
    """An article page cut inside its <head>: what a dropped connection with a short Content-Length
    leaves. Only the title survives; no body, no date."""
    page = article_html().encode()
    return html(page[: page.index(b"<meta property")])


def empty() -> Reply:
    return html(b"")


def cp1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: letters with their vowel marks (â, ơ, ư…) precomposed,
    the tone marks as combining characters after them (the codec has no precomposed toned letters)."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tones)
    return "".join(out).encode("cp1258")


def windows_1258() -> Reply:
    """Vietnamese in windows-1258, declared as such in the header and the page."""
    return html(cp1258(article_html(charset="windows-1258")), charset="windows-1258")


def wrong_charset() -> Reply:
    """UTF-8 bytes declared as ISO-8859-1 in the header (the page's own meta says utf-8)."""
    return html(article_html().encode(), charset="iso-8859-1")


def huge() -> Reply:
    """50 MB of an article page (its text repeated): refused by DOWNLOAD_MAXSIZE before the body."""
    page = article_html().encode()
    filler = b"<p>" + BODY.encode() + b"</p>"
    return html(page[:-14] + filler * ((HUGE_PAGE_BYTES - len(page)) // len(filler)) + page[-14:])


def gzip_bomb() -> Reply:
    """256 MiB of zeros, gzip-compressed in chunks (~250 KB), served with Content-Encoding: gzip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: the gzip container
    zeros = bytes(BOMB_CHUNK)
    parts = [packer.compress(zeros) for _ in range(BOMB_INFLATED_BYTES // BOMB_CHUNK)]
    body = b"".join(parts) + packer.flush()
    return html(body, **{"Content-Encoding": "gzip"})


def nested() -> Reply:
    return html(article_html(extra="<div>" * NESTED_ELEMENTS + "sâu" + "</div>" * NESTED_ELEMENTS).encode())


def many_links() -> Reply:
    links = "".join(f'<a href="/xa-hoi/tin-{i}-2026102009{i:08d}.htm">Tin {i}</a> ' for i in range(LINKS))
    page = f'<html><head><title>Dân trí</title></head><body><div class="list">{links}</div></body></html>'
    return html(page.encode())


def challenge() -> Reply:
    page = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        '<div id="cf-wrapper"><h1>Checking your browser before accessing dantri.com.vn.</h1>'
        '<form id="challenge-form" action="/cdn-cgi/l/chk_jschl" method="get"></form>'
        "<noscript>Please enable Cookies and JavaScript.</noscript></div>"
        '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1"></script></body></html>'
    )
    return html(page.encode())


def script_redirect() -> Reply:
    page = (
        "<html><head><title>Dân trí</title><script>window.location.replace("
        '"https://dantri.com.vn/xa-hoi/bai-that-20261020090000999.htm");</script></head>'
        "<body>Đang chuyển hướng…</body></html>"
    )
    return html(page.encode())


def undated() -> Reply:
    return html(article_html("Bài viết không ghi ngày đăng trên trang", dated=False).encode())


@dataclass(frozen=True)
class BadPage:
    name: str
    build: Callable[[], Reply]
    stored: bool  # True only for the article without a date: every other page is not an article


BAD_PAGES = {
    p.name: p
    for p in (
        BadPage("junk", junk, False),
        BadPage("truncated", truncated, False),
        BadPage("empty", empty, False),
        BadPage("windows_1258", windows_1258, True),
        BadPage("wrong_charset", wrong_charset, True),
        BadPage("huge", huge, False),
        BadPage("gzip_bomb", gzip_bomb, False),
        BadPage("nested", nested, True),
        BadPage("many_links", many_links, False),
        BadPage("challenge", challenge, False),
        BadPage("script_redirect", script_redirect, False),
        BadPage("undated", undated, True),
    )
}


def url_of(name: str) -> str:
    """A dantri article URL for the bad page: 17 digits, as the outlet's pattern wants, that are not a
    date (dantri's own ids start with the publication time, which the article without a date must not
    have)."""
    index = list(BAD_PAGES).index(name)
    return f"https://dantri.com.vn/xa-hoi/trang-loi-{name.replace('_', '-')}-{UNDATED_ID + index}.htm"


def bad_site(names: list[str], placeholder: Path) -> ReplaySite:
    """A replay site whose dantri feeds list the named bad pages (and nothing else)."""
    placeholder.write_bytes(b"")  # never read: every URL is answered by its `serve`d reply
    pages = [
        ReplayPage(OUTLET, url_of(n), placeholder, PUBLISHED - timedelta(minutes=i), f"Trang {n}")
        for i, n in enumerate(names)
    ]
    site = ReplaySite(pages, now=PUBLISHED + timedelta(hours=1))
    for name in names:
        site.serve(url_of(name), BAD_PAGES[name].build())
    return site
