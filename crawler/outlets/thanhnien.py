"""Thanh Niên: same `data-role` CMS as Tuổi Trẻ; photo credits in `.PhotoCMS_Author`."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Archive, Listing, Outlet, Rules

OUTLET = Outlet(
    id="thanhnien",
    name="Thanh Niên",
    domains=("thanhnien.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.htm",
    feeds=("https://thanhnien.vn/rss/home.rss", "https://thanhnien.vn/rss/thoi-su.rss"),
    sitemaps=("https://thanhnien.vn/sitemap.xml",),
    news_sitemaps=("https://thanhnien.vn/sitemaps/google-news.xml",),
    listings=(Listing("https://thanhnien.vn/thoi-su.htm", "https://thanhnien.vn/thoi-su/trang-{page}.htm"),),
    archives=(Archive("https://thanhnien.vn/sitemaps/{day:%Y-%m-%d}.xml", kind="sitemap"),),
    home="https://thanhnien.vn/",
    verified=True,
    rules=Rules(
        site_name="Thanh Niên",
        title=("h1.detail-title [data-role='title']", "h1.detail-title"),
        lead=("div.detail-sapo[data-role='sapo']", "[data-role='sapo']"),
        body=("div.detail-content[data-role='content']", "[data-role='content']"),
        byline=("div.detail-author a.name", "[data-role='author'] a.name"),
        date=("[data-role='publishdate']",),
        category=("div.detail-cate a",),
        tags=("div.detail-tab a.item",),
        drop=("[type='RelatedNewsBox']", "[type='RelatedOneNews']", "div.detail__related"),
    ),
)
