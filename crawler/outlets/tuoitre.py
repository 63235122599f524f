"""Tuổi Trẻ: `data-role` CMS; related boxes are `VCSortableInPreviewMode` blocks typed Related*."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Archive, Listing, Outlet, Rules

OUTLET = Outlet(
    id="tuoitre",
    name="Tuổi Trẻ",
    domains=("tuoitre.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.htm",
    feeds=("https://tuoitre.vn/rss/tin-moi-nhat.rss", "https://tuoitre.vn/rss/thoi-su.rss"),
    sitemaps=("https://tuoitre.vn/sitemap.xml",),
    news_sitemaps=("https://tuoitre.vn/sitemaps/google-news.xml",),
    listings=(Listing("https://tuoitre.vn/thoi-su.htm", "https://tuoitre.vn/thoi-su/trang-{page}.htm"),),
    archives=(Archive("https://tuoitre.vn/sitemaps/{day:%Y-%m-%d}.xml", kind="sitemap"),),
    home="https://tuoitre.vn/",
    verified=True,
    rules=Rules(
        site_name="Tuổi Trẻ",
        title=("h1.detail-title[data-role='title']", "h1.article-title"),
        lead=("[data-role='sapo']",),
        body=("div.detail-content[data-role='content']", "[data-role='content']"),
        byline=(
            "div.detail-author div.author-info a.name",
            "div.detail-author a.name",
            "div.author-info a.name",
        ),
        date=("div.detail-top [data-role='publishdate']", "[data-role='publishdate']"),
        category=("div.detail-cate a",),
        tags=("div.detail-tab a.item",),
        drop=("[type='RelatedNewsBox']", "[type='RelatedOneNews']", "[type='readmore']", "div.readmore"),
    ),
)
