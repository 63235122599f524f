"""Nhân Dân: `article__*` CMS; the byline and a match-facts note box sit inside the body container."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="nhandan",
    domains=("nhandan.vn",),
    name="Nhân Dân",
    title=("h1.article__title",),
    lead=("div.article__sapo",),
    body=("div.article__body",),
    byline=("div.article__author p.name", "div.article__author .name", "div.article__author"),
    date=("div.article__meta time.time", "time.time"),
    category=("div.breadcrumb h2 a", "div.breadcrumb a"),
    tags=("div.article__tag a",),
    drop=("div.notebox", "div.article__author", "div.article__tag", "table.cms-note"),
)
