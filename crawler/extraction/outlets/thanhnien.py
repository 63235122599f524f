"""Thanh Niên: same `data-role` CMS as Tuổi Trẻ; photo credits in `.PhotoCMS_Author`."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="thanhnien",
    domains=("thanhnien.vn",),
    name="Thanh Niên",
    title=("h1.detail-title [data-role='title']", "h1.detail-title"),
    lead=("div.detail-sapo[data-role='sapo']", "[data-role='sapo']"),
    body=("div.detail-content[data-role='content']", "[data-role='content']"),
    byline=("div.detail-author a.name", "[data-role='author'] a.name"),
    date=("[data-role='publishdate']",),
    category=("div.detail-cate a",),
    tags=("div.detail-tab a.item",),
    drop=("[type='RelatedNewsBox']", "[type='RelatedOneNews']", "div.detail__related"),
)
