"""Znews: captions in `table.picture td.pCaption`; teaser `<article>`s are nested in the article."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="znews",
    name="Znews (Zing News)",
    domains=("znews.vn", "zingnews.vn"),
    article_pattern=rf"/{SLUG}-post\d+\.html",
    feeds=("https://znews.vn/rss/tin-moi.rss",),
    sitemaps=("https://znews.vn/sitemap/sitemap.xml",),
    news_sitemaps=("https://znews.vn/sitemap/sitemap-news.xml",),
    listings=(Listing("https://znews.vn/thoi-su.html", "https://znews.vn/thoi-su/trang{page}.html"),),
    home="https://znews.vn/",
    verified=True,
    rules=Rules(
        site_name="Znews",
        title=("h1.the-article-title",),
        lead=("p.the-article-summary",),
        body=("div.the-article-body",),
        byline=("div.the-article-credit p.author", "p.the-article-author"),
        credit=("div.the-article-credit p.source", "p.the-article-source"),
        date=("li.the-article-publish",),
        category=("p.the-article-category a",),
        tags=("p.the-article-tags strong, p.the-article-tags span", "p.the-article-tags a"),
        drop=("div.inner-article", "div.the-article-credit", "p.the-article-tags"),
    ),
)
