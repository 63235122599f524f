"""The archive readers: every record of a mixed WARC gives a page or its reason; resync after damage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from crawler.archives import Skipped, UrlFrom, is_vietnamese, outlet_id, read_paths
from crawler.items import FetchedPage
from tests.crawler.archives.warcs import (
    ENGLISH_PAGE,
    UNDECLARED_PAGE,
    UNDECLARED_URL,
    response,
    write_mixed_warc,
)

MAX_SIZE = 16 * 1024 * 1024


def _reasons(records: list[FetchedPage | Skipped]) -> Counter[str]:
    return Counter(r.reason for r in records if isinstance(r, Skipped))


def test_every_record_of_a_mixed_warc_is_a_page_or_a_reason(tmp_path: Path) -> None:
    warc = tmp_path / "mixed.warc.gz"
    expected = write_mixed_warc(warc)
    records = list(read_paths([warc], UrlFrom(), MAX_SIZE))
    pages = [r for r in records if isinstance(r, FetchedPage)]
    # the spider, not the reader, skips the repeat and the English page
    reader_reasons = {
        k: v for k, v in expected.skipped.items() if k not in ("repeated_url", "not_vietnamese")
    }
    assert _reasons(records) == reader_reasons
    assert len(pages) == len(expected.articles) + 2
    assert {p.url for p in pages} == {
        *expected.articles,
        "https://en.vietnamplus.vn/hanoi-plants-more-trees-post300001.vnp",
    }
    assert all(p.fetched_at.isoformat() == "2026-10-21T03:00:00+00:00" for p in pages)
    assert all(p.encoding == "utf-8" and p.status == 200 for p in pages)


def test_an_uncompressed_warc_goes_on_after_a_broken_record(tmp_path: Path) -> None:
    first, second = tmp_path / "first.warc", tmp_path / "second.warc"
    for path, url in ((first, UNDECLARED_URL), (second, UNDECLARED_URL + "?b=2")):
        with path.open("wb") as fh:
            response(WARCWriter(fh, gzip=False), url, UNDECLARED_PAGE.encode())
    broken = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\n\x00junk\r\n\r\n"
    plain = tmp_path / "joined.warc"
    plain.write_bytes(first.read_bytes() + broken + second.read_bytes())
    records = list(read_paths([plain], UrlFrom(), MAX_SIZE))
    assert _reasons(records) == {"no_url": 1}  # the broken record; the reader then finds the next one
    assert [r.url for r in records if isinstance(r, FetchedPage)] == [UNDECLARED_URL, UNDECLARED_URL + "?b=2"]


def test_a_corrupt_member_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    warc = tmp_path / "cut.warc.gz"
    write_mixed_warc(warc)
    data = warc.read_bytes()
    warc.write_bytes(data[:200] + b"\x00" * 50 + data[250:])  # damage the first members
    records = list(read_paths([warc], UrlFrom(), MAX_SIZE))
    assert _reasons(records)["corrupt"] >= 1
    assert len([r for r in records if isinstance(r, FetchedPage)]) >= 8


def test_saved_pages_take_their_url_from_the_canonical_or_og_url(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        UNDECLARED_PAGE.replace(
            "<head>",
            f'<head><link rel="canonical" href="{UNDECLARED_URL}"><meta property="og:url" content="https://x.vn/og">',
        ),
        encoding="utf-8",
    )
    (canonical,) = read_paths([tmp_path], UrlFrom.parse("canonical"), MAX_SIZE)
    (og,) = read_paths([tmp_path], UrlFrom.parse("og"), MAX_SIZE)
    assert isinstance(canonical, FetchedPage) and canonical.url == UNDECLARED_URL
    assert isinstance(og, FetchedPage) and og.url == "https://x.vn/og"


@pytest.mark.parametrize("value", ["sitemap", "manifest:", "manifest:/no/such.tsv", "canonical:x"])
def test_a_bad_url_from_says_why(value: str) -> None:
    with pytest.raises(ValueError, match=r"url-from|manifest"):
        UrlFrom.parse(value)


def test_vietnamese_pages_are_told_from_others() -> None:
    assert is_vietnamese(UNDECLARED_PAGE)
    assert not is_vietnamese(ENGLISH_PAGE)
    french = (
        "<html><body><p>" + "Le gouvernement a annoncé des mesures économiques à Hô Chi Minh-Ville. " * 10
    )
    assert not is_vietnamese(french)
    escaped = "<html><body><p>" + "Th&#7911; t&#432;&#7899;ng ch&#7911; tr&igrave; h&#7897;i ngh&#7883; " * 20
    assert is_vietnamese(escaped)  # entities are letters too
    assert is_vietnamese('<html lang="vi"><title>Tin</title></html>')  # too short: the lang decides
    assert not is_vietnamese('<html lang="en"><title>News</title></html>')


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://vnexpress.net/a-1.html", "vnexpress"),
        ("https://m.dantri.com.vn/x.htm", "dantri"),
        ("https://tin.nld.com.vn/x.htm", "nld.com.vn"),
        ("https://www.baochinhphu.vn/x.htm", "baochinhphu.vn"),
    ],
)
def test_outlet_is_the_declaration_else_the_registrable_domain(url: str, outlet: str) -> None:
    assert outlet_id(url) == outlet
