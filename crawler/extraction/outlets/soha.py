"""Soha (VCCorp CMS): byline in `address[data-role=author]`; category only in structured data."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="soha",
    domains=("soha.vn",),
    name="Soha",
    title=("h1.news-title",),
    lead=("[data-role='sapo']", ".news-sapo"),
    body=("div.detail-content[data-role='content']", "[data-role='content']"),
    byline=("[data-role='author']",),
    date=("[data-role='publishdate']",),
    tags=("div.tags a", "ul.tags a"),
    drop=("[type='link']", "div.link-content-footer", "span.btn-nhuanbut24"),
)
