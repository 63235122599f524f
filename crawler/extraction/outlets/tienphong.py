"""Tiền Phong: `article__*` CMS; related-article boxes sit inside the body container."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="tienphong",
    domains=("tienphong.vn",),
    name="Tiền Phong",
    title=("h1.article__title",),
    lead=("div.article__sapo",),
    body=("div.article__body",),
    byline=("div.article__meta .author", "div.article__author span.name", "div.article__author"),
    date=("div.article__meta time.time", "time.time"),
    category=("div.breadcrumb h2.main a",),
    tags=("div.article__tag a",),
    drop=("div.article-relate", "div.article__author", "div.article__tag", "a.cms-relate-box"),
)
