"""Soha (VCCorp CMS): byline in `address[data-role=author]`; category only in structured data."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="soha",
    name="Soha",
    domains=("soha.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.htm",
    feeds=("https://soha.vn/rss/home.rss",),
    sitemaps=("https://soha.vn/sitemap.xml",),
    news_sitemaps=("https://soha.vn/sitemaps/sitemap-google-news.xml",),
    listings=(Listing("https://soha.vn/thoi-su.htm", "https://soha.vn/thoi-su/trang-{page}.htm"),),
    home="https://soha.vn/",
    verified=True,
    rules=Rules(
        site_name="Soha",
        title=("h1.news-title",),
        lead=("[data-role='sapo']", ".news-sapo"),
        body=("div.detail-content[data-role='content']", "[data-role='content']"),
        byline=("[data-role='author']",),
        date=("[data-role='publishdate']",),
        tags=("div.tags a", "ul.tags a"),
        drop=("[type='link']", "div.link-content-footer", "span.btn-nhuanbut24"),
    ),
)
