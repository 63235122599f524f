"""Znews: captions in `table.picture td.pCaption`; teaser `<article>`s are nested in the article."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="znews",
    domains=("znews.vn", "zingnews.vn"),
    name="Znews",
    title=("h1.the-article-title",),
    lead=("p.the-article-summary",),
    body=("div.the-article-body",),
    byline=("div.the-article-credit p.author", "p.the-article-author"),
    credit=("div.the-article-credit p.source", "p.the-article-source"),
    date=("li.the-article-publish",),
    category=("p.the-article-category a",),
    tags=("p.the-article-tags strong, p.the-article-tags span", "p.the-article-tags a"),
    drop=("div.inner-article", "div.the-article-credit", "p.the-article-tags"),
)
