"""VnExpress: byline is a right-aligned `p.Normal` inside the article; podcasts use a chapter list."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Archive, Listing, Outlet, Rules

OUTLET = Outlet(
    id="vnexpress",
    name="VnExpress",
    domains=("vnexpress.net",),
    article_pattern=rf"/{SLUG}-\d{{7,}}\.html",
    feeds=("https://vnexpress.net/rss/tin-moi-nhat.rss", "https://vnexpress.net/rss/thoi-su.rss"),
    sitemaps=("https://vnexpress.net/sitemap.xml",),
    news_sitemaps=("https://vnexpress.net/google-news-sitemap.xml",),
    listings=(
        Listing("https://vnexpress.net/tin-tuc-24h", "https://vnexpress.net/tin-tuc-24h-p{page}"),
        Listing("https://vnexpress.net/thoi-su", "https://vnexpress.net/thoi-su-p{page}"),
    ),
    archives=(
        Archive("https://vnexpress.net/category/day/cateid/1001005/fromdate/{from_ts}/todate/{to_ts}"),
    ),
    home="https://vnexpress.net/",
    verified=True,
    rules=Rules(
        site_name="VnExpress",
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
    ),
)
