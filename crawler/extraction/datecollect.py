"""Collect every date the page offers, with where it came from; the dates stage chooses.

Only collection lives here: reading and choosing belong to `crawler.dates` (one date parser), which
extraction never imports. Sources, in the order crawler/extraction/chain.py declares: JSON-LD and meta
("jsonld", "meta"), the outlet rule's date element ("time" for its machine attribute, "header" for its
text), the generic layer's `<time datetime>` and displayed dates near the headline (closest first),
and the URL last.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from crawler.extraction.body import element_text
from crawler.extraction.structured import text_of
from crawler.items import DateCandidate

if TYPE_CHECKING:
    from crawler.extraction.sources import Sources

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
# Attributes of a date element that hold a machine-readable date, in the order we trust them.
MACHINE_ATTRS = ("datetime", "data-time", "title", "content")
# A page that labels its only displayed time "Cập nhật" (Zing 2012) shows no other publication time:
# that time is also offered as the published one, with this warning.
UPDATE_AS_PUBLISHED = "published time taken from the update time the page shows (no other is shown)"


def _candidate(source: str, value: Any, kind: str = "published") -> DateCandidate | None:
    text = text_of(value) if not isinstance(value, str) else " ".join(html.unescape(value).split())
    return DateCandidate(source, text, kind) if text else None


def structured_dates(src: Sources) -> list[DateCandidate]:
    found = []
    article = src.structured.article
    if article is not None:
        found += [
            _candidate("jsonld", article.get("datePublished")),
            _candidate("jsonld", article.get("uploadDate")),
            _candidate("jsonld", article.get("dateModified"), "modified"),
        ]
    for keys, kind in ((PUBLISHED_META, "published"), (MODIFIED_META, "modified")):
        found += [_candidate("meta", v, kind) for key in keys for v in src.structured.all_meta(key)]
    for time_el in src.tree.xpath(
        "//time[@datetime][@itemprop='datePublished' or contains(@class,'publish') or @pubdate]"
    )[:1]:
        found += [_candidate("time", time_el.get("datetime")), _candidate("header", element_text(time_el))]
    return [c for c in found if c is not None]


def rule_dates(src: Sources) -> list[DateCandidate]:
    element = src.rules.first("date", src.tree)
    if element is None:
        return []
    found = [_candidate("time", element.get(a)) for a in MACHINE_ATTRS if element.get(a)][:1]
    found.append(_candidate("header", element_text(element)))
    return [c for c in found if c is not None]


def generic_dates(src: Sources) -> list[DateCandidate]:
    layout = src.layout
    found = [_candidate("time", el.get("datetime")) for el in layout.time_elements]
    found += [_candidate("header", d.text, d.kind) for d in layout.dates]
    return [c for c in found if c is not None]


def url_date(src: Sources) -> list[DateCandidate]:
    return [DateCandidate("url", src.url)]


def finish_dates(found: list[DateCandidate], warnings: list[str]) -> list[DateCandidate]:
    """Duplicates out; a lone displayed update time also offered as the published time."""
    unique: list[DateCandidate] = []
    for candidate in found:
        if candidate not in unique:
            unique.append(candidate)
    if not any(c.kind == "published" and c.source != "url" for c in unique):
        updated = next((c for c in unique if c.kind == "modified" and c.source == "header"), None)
        if updated is not None:
            unique.insert(unique.index(updated), DateCandidate("header", updated.text, "published"))
            warnings.append(UPDATE_AS_PUBLISHED)
    return unique
