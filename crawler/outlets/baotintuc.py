"""Báo Tin tức (Vietnam News Agency): ASP.NET page; body split into #divfirst and #divend."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="baotintuc",
    name="Báo Tin tức (TTXVN)",
    domains=("baotintuc.vn",),
    article_pattern=rf"/{SLUG}/{SLUG}-\d{{17}}\.htm",
    feeds=("https://baotintuc.vn/tin-moi-nhat.rss", "https://baotintuc.vn/thoi-su.rss"),
    sitemaps=("https://baotintuc.vn/sitemap.xml",),
    listings=(
        Listing("https://baotintuc.vn/thoi-su-472ct0.htm", "https://baotintuc.vn/thoi-su-472ct0p{page}.htm"),
        Listing(
            "https://baotintuc.vn/the-gioi-130ct0.htm", "https://baotintuc.vn/the-gioi-130ct0p{page}.htm"
        ),
    ),
    home="https://baotintuc.vn/",
    verified=True,
    rules=Rules(
        site_name="Báo Tin tức",
        title=("h1.detail-title",),
        lead=("h2.sapo",),
        body=("div.boxdetail div.contents", "div.contents"),
        byline=("div.boxdetail div.author", "div.author"),
        date=("div.date span.txt", "div.date"),
        category=("h4.cate a", "div.lc-bar a.threadbar_topic"),
        tags=("div.keysword a",),
        drop=("ul.list-concern", "div.author", "div.widget", "div.keysword", "div.gliaplayer-container"),
    ),
)
