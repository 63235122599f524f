"""Collect every date the page offers, with where it came from; the dates stage chooses.

Only collection lives here: reading and choosing belong to `crawler.dates` (one date parser), which
extraction never imports.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from crawler.extraction.body import element_text
from crawler.extraction.structured import Structured, text_of
from crawler.items import DateCandidate

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.outlets.model import Rules

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


def collect_dates(tree: HtmlElement, structured: Structured, rules: Rules, url: str) -> list[DateCandidate]:
    """Every date candidate of the page, best sources first; the URL last (the dates stage reads it)."""
    found: list[DateCandidate] = []

    def add(source: str, value: Any, kind: str = "published") -> None:
        text = text_of(value) if not isinstance(value, str) else " ".join(html.unescape(value).split())
        candidate = DateCandidate(source, text, kind)
        if text and candidate not in found:
            found.append(candidate)

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
    add("url", url)
    return found
