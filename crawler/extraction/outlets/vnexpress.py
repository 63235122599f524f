"""VnExpress: byline is a right-aligned `p.Normal` inside the article; podcasts use a chapter list."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="vnexpress",
    domains=("vnexpress.net",),
    name="VnExpress",
    title=("h1.title-detail", "h1.title-news"),
    lead=("p.description",),
    body=("article.fck_detail", "ul.time_stemp"),
    byline=(
        "article.fck_detail > p[style*='right'] strong",
        "article.fck_detail > p.author_mail strong",
        "p.author_mail",
        "span.author-in-player",
    ),
    date=("div.header-content span.date", "span.date"),
    category=("ul.breadcrumb li:first-child a", ".section-redirect span.name-tp"),
    tags=("#_detail_listtag a", "div.tags a"),
    drop=(
        "h1",
        "p.description",
        "p[style*='right']",
        "p.author_mail",
        "div.parser_title",
        "div.icon_blockvideo",
        "[data-component-type]",
    ),
    page_types=(("podcast", "section.section-detail-podcast"),),
)
