"""Tiền Phong: `article__*` CMS; related-article boxes sit inside the body container."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="tienphong",
    name="Tiền Phong",
    domains=("tienphong.vn",),
    article_pattern=rf"/{SLUG}-post\d+\.tpo",
    feeds=("https://tienphong.vn/rss/home.rss", "https://tienphong.vn/rss/xa-hoi-2.rss"),
    sitemaps=("https://tienphong.vn/sitemap.xml",),
    news_sitemaps=("https://tienphong.vn/sitemaps/news.xml",),
    listings=(Listing("https://tienphong.vn/xa-hoi/", "https://tienphong.vn/xa-hoi/?page={page}"),),
    home="https://tienphong.vn/",
    verified=True,
    rules=Rules(
        site_name="Tiền Phong",
        title=("h1.article__title",),
        lead=("div.article__sapo",),
        body=("div.article__body",),
        byline=("div.article__meta .author", "div.article__author span.name", "div.article__author"),
        date=("div.article__meta time.time", "time.time"),
        category=("div.breadcrumb h2.main a",),
        tags=("div.article__tag a",),
        drop=("div.article-relate", "div.article__author", "div.article__tag", "a.cms-relate-box"),
    ),
)
