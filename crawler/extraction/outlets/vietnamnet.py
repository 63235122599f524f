"""VietNamNet: related-article cards close the body container; breadcrumb hides a section menu."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="vietnamnet",
    domains=("vietnamnet.vn",),
    name="VietNamNet",
    title=("h1.content-detail-title",),
    lead=("h2.content-detail-sapo", "div.content-detail-sapo"),
    body=("div#maincontent", "div.maincontent"),
    byline=("div.article-detail-author span.name a", "div.article-detail-author span.name"),
    date=("div.bread-crumb-detail__time", "div.publish-date"),
    category=("div.bread-crumb-detail > ul > li > a",),
    tags=("div.tag-cotnent h3 a", "div.tag-cotnent a"),
    drop=("div.ck-cms-insert-neww-group", "article.ck-cms-insert-news", "[id^='adzone']"),
)
