"""Kênh 14 (VCCorp CMS): `kbwc-*` header, body `[data-role=content]`, source line hidden by CSS."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="kenh14",
    domains=("kenh14.vn",),
    name="Kenh14",
    title=("h1.kbwc-title",),
    lead=("[data-role='sapo']", ".knc-sapo"),
    body=("div.detail-content[data-role='content']", "div.knc-content"),
    byline=("span.kbwcm-author [itemprop='name']", "span.kbwcm-author"),
    credit=("span.kbwcm-source", "a.link-source-name .link-source-text-name"),
    date=("time.kbwcm-time",),
    category=("li.kbwsli.active a",),
    tags=("div.klw-new-tags a",),
    drop=("div.knc-rate-link", "div.knc-relate-wrapper"),
)
