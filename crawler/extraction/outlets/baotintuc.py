"""Báo Tin tức (Vietnam News Agency): ASP.NET page; body split into #divfirst and #divend."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="baotintuc",
    domains=("baotintuc.vn",),
    name="Báo Tin tức",
    title=("h1.detail-title",),
    lead=("h2.sapo",),
    body=("div.boxdetail div.contents", "div.contents"),
    byline=("div.boxdetail div.author", "div.author"),
    date=("div.date span.txt", "div.date"),
    category=("h4.cate a", "div.lc-bar a.threadbar_topic"),
    tags=("div.keysword a",),
    drop=("ul.list-concern", "div.author", "div.widget", "div.keysword", "div.gliaplayer-container"),
)
