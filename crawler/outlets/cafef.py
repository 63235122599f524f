"""CafeF (VCCorp CMS): author slot says `Theo <person>`; the source outlet is in `p.source`."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="cafef",
    name="CafeF",
    domains=("cafef.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.chn",
    feeds=("https://cafef.vn/home.rss", "https://cafef.vn/thi-truong-chung-khoan.rss"),
    sitemaps=("https://cafef.vn/sitemap.xml",),
    news_sitemaps=("https://cafef.vn/sitemaps/sitemap-google-news.xml",),
    listings=(
        Listing("https://cafef.vn/xa-hoi.chn", "https://cafef.vn/xa-hoi/trang-{page}.chn"),
        Listing(
            "https://cafef.vn/thi-truong-chung-khoan.chn",
            "https://cafef.vn/thi-truong-chung-khoan/trang-{page}.chn",
        ),
    ),
    home="https://cafef.vn/",
    verified=True,
    rules=Rules(
        site_name="CafeF",
        title=("h1.title[data-role='title']", "h1.title"),
        lead=("[data-role='sapo']", "h2.sapo"),
        body=("div.detail-content[data-role='content']", "[data-role='content']"),
        byline=("p.dateandcat [data-role='author']", "[data-role='author']"),
        credit=("p.source",),
        date=("[data-role='publishdate']",),
        category=("p.dateandcat a.cat", "a.cat"),
        tags=("div.tagdetail a", "div.tags a"),
        drop=("div.chisochungkhoan", "div.tindnd"),
    ),
)
