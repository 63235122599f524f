"""CafeF (VCCorp CMS): author slot says `Theo <person>`; the source outlet is in `p.source`."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="cafef",
    domains=("cafef.vn",),
    name="CafeF",
    title=("h1.title[data-role='title']", "h1.title"),
    lead=("[data-role='sapo']", "h2.sapo"),
    body=("div.detail-content[data-role='content']", "[data-role='content']"),
    byline=("p.dateandcat [data-role='author']", "[data-role='author']"),
    credit=("p.source",),
    date=("[data-role='publishdate']",),
    category=("p.dateandcat a.cat", "a.cat"),
    tags=("div.tagdetail a", "div.tags a"),
    drop=("div.chisochungkhoan", "div.tindnd"),
)
