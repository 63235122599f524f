"""Kênh 14 (VCCorp CMS): `kbwc-*` header, body `[data-role=content]`, source line hidden by CSS."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="kenh14",
    name="Kênh 14",
    domains=("kenh14.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.chn",
    feeds=("https://kenh14.vn/rss/home.rss",),
    sitemaps=("https://kenh14.vn/sitemap.xml",),
    news_sitemaps=("https://kenh14.vn/sitemaps/sitemap-google-news.xml",),
    listings=(Listing("https://kenh14.vn/xa-hoi.chn", "https://kenh14.vn/xa-hoi/trang-{page}.chn"),),
    home="https://kenh14.vn/",
    verified=True,
    rules=Rules(
        site_name="Kenh14",
        title=("h1.kbwc-title",),
        lead=("[data-role='sapo']", ".knc-sapo"),
        body=("div.detail-content[data-role='content']", "div.knc-content"),
        byline=("span.kbwcm-author [itemprop='name']", "span.kbwcm-author"),
        credit=("span.kbwcm-source", "a.link-source-name .link-source-text-name"),
        date=("time.kbwcm-time",),
        category=("li.kbwsli.active a",),
        tags=("div.klw-new-tags a",),
        drop=("div.knc-rate-link", "div.knc-relate-wrapper"),
    ),
)
