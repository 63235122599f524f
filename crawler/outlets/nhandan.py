"""Nhân Dân: `article__*` CMS; the byline and a match-facts note box sit inside the body container."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="nhandan",
    name="Nhân Dân",
    domains=("nhandan.vn",),
    article_pattern=rf"/{SLUG}-post\d+\.html",
    feeds=("https://nhandan.vn/rss/home.rss", "https://nhandan.vn/rss/chinhtri.rss"),
    sitemaps=("https://nhandan.vn/sitemap.xml",),
    news_sitemaps=("https://nhandan.vn/sitemaps/news.xml",),
    listings=(Listing("https://nhandan.vn/chinhtri/", "https://nhandan.vn/chinhtri/?page={page}"),),
    home="https://nhandan.vn/",
    verified=True,
    rules=Rules(
        site_name="Nhân Dân",
        title=("h1.article__title",),
        lead=("div.article__sapo",),
        body=("div.article__body",),
        byline=("div.article__author p.name", "div.article__author .name", "div.article__author"),
        date=("div.article__meta time.time", "time.time"),
        category=("div.breadcrumb h2 a", "div.breadcrumb a"),
        tags=("div.article__tag a",),
        drop=("div.notebox", "div.article__author", "div.article__tag", "table.cms-note"),
    ),
)
