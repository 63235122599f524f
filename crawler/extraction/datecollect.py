"""Collect every date the page offers, with where it came from; `crawler.dates` chooses.

Only collection lives here: reading and choosing belong to the dates package (one date parser).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from crawler.extraction.body import element_text
from crawler.extraction.structured import Structured, text_of

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.outlets.base import OutletRules

# Meta keys in the order we trust them (first published key found wins within "meta").
PUBLISHED_META = (
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "its_publication",
    "og:published_time",
    "article:published",
    "dc.date.issued",
    "dc.date",
    "date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
)
MODIFIED_META = ("article:modified_time", "datemodified", "og:updated_time", "lastmod", "last-modified")


def collect_dates(
    tree: HtmlElement, structured: Structured, rules: OutletRules, url: str
) -> list[tuple[str, str, str]]:
    """(source, text, kind) triples, best sources first; turned into DateCandidate by the caller."""
    found: list[tuple[str, str, str]] = []

    def add(source: str, value: Any, kind: str = "published") -> None:
        text = text_of(value) if not isinstance(value, str) else " ".join(html.unescape(value).split())
        if text and (source, text, kind) not in found:
            found.append((source, text, kind))

    article = structured.article
    if article is not None:
        add("jsonld", article.get("datePublished"))
        add("jsonld", article.get("uploadDate"))
        add("jsonld", article.get("dateModified"), "modified")
    for key in PUBLISHED_META:
        for value in structured.all_meta(key):
            add("meta", value)
    for key in MODIFIED_META:
        for value in structured.all_meta(key):
            add("meta", value, "modified")
    element = rules.first("date", tree)
    if element is not None:
        for attr in ("datetime", "data-time", "title", "content"):
            if element.get(attr):
                add("time", element.get(attr))
                break
        add("header", element_text(element))
    else:
        for time_el in tree.xpath(
            "//time[@datetime][@itemprop='datePublished' or contains(@class,'publish') or @pubdate]"
        )[:1]:
            add("time", time_el.get("datetime"))
            add("header", element_text(time_el))
    from crawler.dates.vocab import URL_DATE  # the one URL pattern; here only when dates are available

    if URL_DATE.search(url):
        add("url", url)
    return found
