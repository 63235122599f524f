"""GenK (VCCorp CMS, like Kênh 14): the lead sits inside the content section, before the body div."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="genk",
    name="GenK",
    domains=("genk.vn",),
    article_pattern=rf"/{SLUG}-\d{{15,20}}\.chn",
    feeds=("https://genk.vn/rss/home.rss",),
    sitemaps=("https://genk.vn/sitemap.xml",),
    news_sitemaps=("https://genk.vn/sitemaps/sitemap-google-news.xml",),
    listings=(Listing("https://genk.vn/mobile.chn", "https://genk.vn/mobile/trang-{page}.chn"),),
    home="https://genk.vn/",
    verified=True,
    rules=Rules(
        site_name="GenK",
        title=("h1.kbwc-title",),
        lead=("p.knc-sapo", "h2.knc-sapo"),
        body=("div.knc-content", "#ContentDetail"),
        byline=("span.kbwcm-author [itemprop='name']", "span.kbwcm-author"),
        credit=("span.kbwcm-source", "a.link-source-name .link-source-text-name"),
        date=("time.kbwcm-time",),
        category=("nav.breakcrum-wrapper a",),
        tags=("div.klw-new-tags a",),
        drop=("div.knc-rate-link", "div.knc-relate-wrapper"),
    ),
)
