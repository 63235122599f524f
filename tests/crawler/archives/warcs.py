"""WARC files written in the tests with warcio: every kind of record an ingest meets, counted."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.replay import own_pages
from crawler.replay.corpus import ReplayPage

# A Vietnamese news page of an outlet with no declaration in crawler/outlets (written for the tests).
UNDECLARED_URL = "https://tin.nld.com.vn/thoi-su/ha-noi-trong-them-cay-xanh-tren-pho-196261020.htm"
UNDECLARED_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Hà Nội trồng thêm cây xanh trên phố</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-10-20T08:30:00+07:00">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Hà Nội trồng thêm cây xanh trên phố","datePublished":"2026-10-20T08:30:00+07:00",
"author":{"@type":"Person","name":"Minh Châu"}}</script></head><body><article>
<h1>Hà Nội trồng thêm cây xanh trên phố</h1>
<p>Thành phố sẽ trồng thêm hai nghìn cây xanh trên các tuyến phố nội đô trong năm nay.</p>
<p>Các loài cây được chọn là bằng lăng, sao đen và lát hoa, phù hợp với khí hậu miền Bắc.</p>
<p>Người dân được mời góp ý về vị trí trồng cây qua cổng thông tin của quận.</p>
<p>Kế hoạch nhằm giảm nhiệt độ đô thị vào mùa hè và tăng bóng mát cho người đi bộ.</p>
</article></body></html>"""
ENGLISH_URL = "https://en.vietnamplus.vn/hanoi-plants-more-trees-post300001.vnp"
ENGLISH_PAGE = (
    "<!doctype html><html lang='en'><head><title>Hanoi plants more trees</title></head><body><article>"
    + "<p>Hanoi will plant two thousand more trees along inner-city streets this year, officials said.</p>"
    * 8
    + "</article></body></html>"
)
CAPTURED = datetime(2026, 10, 21, 3, 0, tzinfo=UTC)


@dataclass
class Expected:
    """What an ingest of the written WARC must count."""

    articles: list[str] = field(default_factory=list)  # URLs of distinct articles
    duplicates: int = 0  # articles whose body is another stored article's
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _http(status: str = "200 OK", content_type: str = "text/html; charset=utf-8") -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def response(writer: WARCWriter, url: str, body: bytes, *, when: datetime = CAPTURED, **http: str) -> None:
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),  # warcio buffers a payload of unknown length in a file it never closes
        http_headers=_http(**http),
        warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)


def member(writer: WARCWriter, url: str, body: bytes) -> bytes:
    """One gzip member holding a response record, as bytes (to cut or corrupt)."""
    buf = io.BytesIO()
    response(WARCWriter(buf, gzip=True), url, body)
    return buf.getvalue()


def broken_http_member(url: str) -> bytes:
    """A response record whose block is not an HTTP message (warcio refuses to write one)."""
    block = b"NOT AN HTTP STATUS LINE\r\n\x00\x01\r\n\r\n<html></html>"
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-10-21T03:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + block + b"\r\n\r\n")


def variant(url: str, suffix: str) -> str:
    """The URL with `-suffix` before its extension (another article URL of the same outlet)."""
    stem, dot, ext = url.rpartition(".")
    return f"{stem}-{suffix}.{ext}" if dot else f"{url}-{suffix}"


def articles(count: int) -> list[ReplayPage]:
    """Replay pages of distinct outlets that extract to articles."""
    seen: dict[str, ReplayPage] = {}
    for page in own_pages():
        if page.kind == "article" and page.outlet not in seen and page.outlet != "baomoi":
            seen[page.outlet] = page
    return list(seen.values())[:count]


def write_mixed_warc(path: Path, n_articles: int = 4) -> Expected:
    """Articles, a repeat, a body duplicate, non-HTML, revisit, request, warcinfo, 404, broken HTTP,
    English, an undeclared outlet, a corrupt member in the middle and a truncated record at the end."""
    expected = Expected()
    pages = articles(n_articles)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "vnnews tests"}))
        expected.skip("warcinfo")
        for page in pages:
            response(writer, page.url, page.body())
            expected.articles.append(page.url)
        response(writer, pages[0].url, pages[0].body())  # captured twice: the first capture wins
        expected.skip("repeated_url")
        copy_url = variant(pages[1].url, "ban-sao")
        response(writer, copy_url, pages[1].body().replace(b'rel="canonical"', b'rel="x-none"'))
        expected.articles.append(copy_url)
        expected.duplicates += 1
        response(writer, UNDECLARED_URL, UNDECLARED_PAGE.encode())
        expected.articles.append(UNDECLARED_URL)
        response(
            writer,
            "https://vnexpress.net/logo.png",
            b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
            content_type="image/png",
        )
        expected.skip("not_html")
        response(
            writer,
            "https://vnexpress.net/khong-co-404.html",
            b"<html>not found</html>",
            status="404 Not Found",
        )
        expected.skip("http_404")
        writer.write_record(
            writer.create_revisit_record(
                pages[2].url,
                digest="sha1:AAAA",
                refers_to_uri=pages[2].url,
                refers_to_date="2026-10-20T00:00:00Z",
            )
        )
        expected.skip("revisit")
        get = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        request = writer.create_warc_record(pages[2].url, "request", payload=io.BytesIO(get), length=len(get))
        writer.write_record(request)
        expected.skip("request")
        response(writer, ENGLISH_URL, ENGLISH_PAGE.encode())
        expected.skip("not_vietnamese")
        fh.write(broken_http_member("https://dantri.com.vn/xa-hoi/hong-tieu-de-20261021.htm"))
        expected.skip("broken_http")
        cut = member(writer, "https://dantri.com.vn/xa-hoi/bi-cat-giua-chung-20261021.htm", pages[0].body())
        fh.write(cut[: len(cut) // 2])  # a member cut short, then the file goes on
        expected.skip("corrupt")
        after = variant(pages[3].url, "sau-doan-hong")
        response(writer, after, pages[3].body().replace(b'rel="canonical"', b'rel="x-none"'))
        expected.articles.append(after)
        expected.duplicates += 1
        last = member(
            writer, "https://dantri.com.vn/xa-hoi/bi-cat-cuoi-tep-20261021.htm", UNDECLARED_PAGE.encode()
        )
        fh.write(last[:-40])  # the download was cut: the last record ends early
        expected.skip("truncated")
    return expected
