"""Links a crawl refuses, with a stat each: off the outlet's domains, and schemes other than http(s).
Hosts that resolve to internal addresses are tested in test_link_faults.py (a patched resolver)."""

from __future__ import annotations

from html import escape

import pytest

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from crawler.replay.site import HTML, Reply
from tests.faults.conftest import finished, record, store_counts
from tests.spiders.conftest import outlet_stats

pytestmark = pytest.mark.faults

OUTLET = "dantri"
LISTING = "https://dantri.com.vn/thoi-su.htm"  # the outlet's listing page, answered with the links below
OFFSITE = [
    "https://vnexpress.net/truong-hoc-vung-cao-don-hoc-sinh-tro-lai-lop-5123456.html",  # another outlet
    "https://dantri.com.vn.example.org/xa-hoi/gia-mao-ten-mien-20261020090000001.htm",  # a look-alike host
    "//cdn.example.net/xa-hoi/tin-tren-cdn-20261020090000002.htm",  # protocol-relative, another host
    "http://203.0.113.7/xa-hoi/tin-theo-dia-chi-20261020090000003.htm",  # an address, not a domain
]
SCHEMES = [
    "javascript:void(0)",
    "mailto:toasoan@dantri.com.vn",
    "tel:+842433736571",
    "ftp://dantri.com.vn/xa-hoi/tin-qua-ftp-20261020090000004.htm",
    "data:text/html,<h1>x</h1>",
]


def test_offsite_links_and_other_schemes_are_refused_with_a_stat(mongo_server, mongo_db_name, start_crawl):
    pages = load_corpus(["own"], outlets=[OUTLET])
    site = ReplaySite(pages)
    links = [p.url for p in pages] + OFFSITE + SCHEMES
    body = "".join(f'<a href="{escape(u)}">tin</a>' for u in links)
    site.serve(LISTING, Reply(200, HTML, f"<html><body>{body}</body></html>".encode()))
    with ReplayServer(site) as replay:
        crawl = finished(start_crawl(replay.url, mongo_server, mongo_db_name, [OUTLET]))
    stats = outlet_stats(crawl.stats, OUTLET)
    assert stats["refused/offsite"] == len(OFFSITE)
    assert stats["refused/scheme"] == len(SCHEMES)
    assert stats["found"] == len(pages) and stats["fetched"] == len(pages)
    assert {host for host, _ in site.hits} == {"dantri.com.vn"}  # nothing asked of another host
    counts = store_counts(mongo_server, mongo_db_name, {p.url for p in pages})
    assert counts.documents == len(pages) and counts.unexpected == 0
    record(
        "links: offsite and other schemes",
        refused_offsite=stats["refused/offsite"],
        refused_scheme=stats["refused/scheme"],
        documents=counts.documents,
    )
