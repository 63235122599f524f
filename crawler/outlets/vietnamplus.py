"""VietnamPlus (Vietnam News Agency): `article__*` CMS; video pages carry `body.video-page`."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="vietnamplus",
    name="VietnamPlus (TTXVN)",
    domains=("vietnamplus.vn",),
    article_pattern=rf"/{SLUG}-post\d+\.vnp",
    feeds=("https://www.vietnamplus.vn/rss/home.rss", "https://www.vietnamplus.vn/rss/thoisu.rss"),
    sitemaps=("https://www.vietnamplus.vn/sitemap.xml",),
    news_sitemaps=("https://www.vietnamplus.vn/sitemaps/news.xml",),
    listings=(
        Listing("https://www.vietnamplus.vn/thoi-su/", "https://www.vietnamplus.vn/thoi-su/trang{page}.vnp"),
    ),
    home="https://www.vietnamplus.vn/",
    verified=True,
    rules=Rules(
        site_name="VietnamPlus",
        title=("h1.article__title",),
        lead=("div.article__sapo",),
        body=("div.article__body",),
        byline=("div.article__author .name", "div.article__author"),
        credit=("div.article__source .name", "div.article__source"),
        date=("div.article__meta time.time", "time.time"),
        category=("div.breadcrumb h2.main a", "div.breadcrumb .main a"),
        tags=("div.article__tag a.active", "div.article__tag a[href*='/tag/']"),
        drop=("div.article__source", "div.article__author", "div.article__tag"),
        page_types=(("video", "body.video-page"),),
    ),
)
