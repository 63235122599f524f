"""Bnews (Vietnam News Agency's economic news). No saved page yet: names only, generic body."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="bnews",
    name="BNEWS (TTXVN)",
    domains=("bnews.vn",),
    article_pattern=rf"/{SLUG}/\d{{5,}}\.html",
    feeds=("https://bnews.vn/rss/trang-chu.rss",),
    sitemaps=("https://bnews.vn/sitemap.xml",),
    listings=(Listing("https://bnews.vn/thoi-su/1.html", "https://bnews.vn/thoi-su/1/trang-{page}.html"),),
    home="https://bnews.vn/",
    verified=False,
    notes="article ids are numeric path segments; section ids are short",
    rules=Rules(
        site_name="Bnews",
    ),
)
