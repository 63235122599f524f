"""Dân trí: Tailwind page marked with `data-slot`; related slots are `aside[data-module]`."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Archive, Listing, Outlet, Rules

OUTLET = Outlet(
    id="dantri",
    name="Dân trí",
    domains=("dantri.com.vn",),
    article_pattern=rf"/{SLUG}(?:/{SLUG})?/{SLUG}-\d{{17}}\.htm",
    feeds=("https://dantri.com.vn/rss/home.rss", "https://dantri.com.vn/rss/thoi-su.rss"),
    sitemaps=("https://dantri.com.vn/sitemap.xml",),
    news_sitemaps=("https://dantri.com.vn/sitemaps/news.xml",),
    listings=(
        Listing("https://dantri.com.vn/thoi-su.htm", "https://dantri.com.vn/thoi-su/trang-{page}.htm"),
    ),
    archives=(Archive("https://dantri.com.vn/thoi-su/ngay-{day:%d-%m-%Y}.htm"),),
    home="https://dantri.com.vn/",
    verified=True,
    rules=Rules(
        site_name="Dân trí",
        title=("h1[data-slot='title']", "h1.title-page"),
        lead=("h2[data-slot='sapo']", "h2.singular-sapo"),
        body=("div[data-slot='content']", "div.singular-content"),
        byline=("a[rel='author']", "div.author-name"),
        date=("article[data-slot='container'] time", "time.author-time", "time"),
        category=("a[data-content-name='article-breadcrumb']",),
        tags=("a[data-content-name='article-tags']", "ul.tags-wrap a"),
        drop=("[data-module]", "[data-slot='ads-in-content']"),
    ),
)
