"""VietNamNet: related-article cards close the body container; breadcrumb hides a section menu."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="vietnamnet",
    name="VietNamNet",
    domains=("vietnamnet.vn",),
    article_pattern=rf"/{SLUG}-\d{{6,8}}\.html",
    feeds=("https://vietnamnet.vn/rss/tin-moi-nhat.rss", "https://vietnamnet.vn/rss/thoi-su.rss"),
    sitemaps=("https://vietnamnet.vn/sitemap.xml",),
    news_sitemaps=("https://vietnamnet.vn/sitemaps/news.xml",),
    listings=(Listing("https://vietnamnet.vn/thoi-su", "https://vietnamnet.vn/thoi-su-page{page}"),),
    home="https://vietnamnet.vn/",
    verified=True,
    rules=Rules(
        site_name="VietNamNet",
        title=("h1.content-detail-title",),
        lead=("h2.content-detail-sapo", "div.content-detail-sapo"),
        body=("div#maincontent", "div.maincontent"),
        byline=("div.article-detail-author span.name a", "div.article-detail-author span.name"),
        date=("div.bread-crumb-detail__time", "div.publish-date"),
        category=("div.bread-crumb-detail > ul > li > a",),
        tags=("div.tag-cotnent h3 a", "div.tag-cotnent a"),
        drop=("div.ck-cms-insert-neww-group", "article.ck-cms-insert-news", "[id^='adzone']"),
    ),
)
