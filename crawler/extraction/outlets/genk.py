"""GenK (VCCorp CMS, like Kênh 14): the lead sits inside the content section, before the body div."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="genk",
    domains=("genk.vn",),
    name="GenK",
    title=("h1.kbwc-title",),
    lead=("p.knc-sapo", "h2.knc-sapo"),
    body=("div.knc-content", "#ContentDetail"),
    byline=("span.kbwcm-author [itemprop='name']", "span.kbwcm-author"),
    credit=("span.kbwcm-source", "a.link-source-name .link-source-text-name"),
    date=("time.kbwcm-time",),
    category=("nav.breakcrum-wrapper a",),
    tags=("div.klw-new-tags a",),
    drop=("div.knc-rate-link", "div.knc-relate-wrapper"),
)
