"""VNA news service (vnanet.vn). No saved page yet: names only, generic body."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="vnanet",
    domains=("vnanet.vn",),
    name="TTXVN",
)
