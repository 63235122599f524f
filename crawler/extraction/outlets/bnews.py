"""Bnews (Vietnam News Agency's economic news). No saved page yet: names only, generic body."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="bnews",
    domains=("bnews.vn",),
    name="Bnews",
)
