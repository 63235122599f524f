"""Tuổi Trẻ: `data-role` CMS; related boxes are `VCSortableInPreviewMode` blocks typed Related*."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="tuoitre",
    domains=("tuoitre.vn",),
    name="Tuổi Trẻ",
    title=("h1.detail-title[data-role='title']", "h1.article-title"),
    lead=("[data-role='sapo']",),
    body=("div.detail-content[data-role='content']", "[data-role='content']"),
    byline=("div.detail-author div.author-info a.name", "div.detail-author a.name", "div.author-info a.name"),
    date=("div.detail-top [data-role='publishdate']", "[data-role='publishdate']"),
    category=("div.detail-cate a",),
    tags=("div.detail-tab a.item",),
    drop=("[type='RelatedNewsBox']", "[type='RelatedOneNews']", "[type='readmore']", "div.readmore"),
)
