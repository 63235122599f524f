"""Registry of outlet rules: outlet id → rules, and domain → outlet id.

Extraction uses `rules_for_url` and `outlet_for_url`; `OUTLETS` (ids and domains) must agree with the
source profiles in crawler/sources (tests/crawler/sources checks it).
Adding an outlet = one module here plus one line in `_MODULES` (see docs/extraction.md).
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlsplit

from crawler.extraction.outlets import (
    baomoi,
    baotintuc,
    bnews,
    cafef,
    dantri,
    genk,
    kenh14,
    nhandan,
    soha,
    thanhnien,
    tienphong,
    tuoitre,
    vietnamnet,
    vietnamplus,
    vnanet,
    vnexpress,
    znews,
)
from crawler.extraction.outlets.base import GENERIC, OutletRules

_MODULES = (
    vietnamplus,
    baotintuc,
    bnews,
    vnanet,
    vnexpress,
    tuoitre,
    thanhnien,
    dantri,
    vietnamnet,
    nhandan,
    tienphong,
    kenh14,
    cafef,
    genk,
    soha,
    znews,
    baomoi,
)


def _build() -> tuple[dict[str, OutletRules], dict[str, str]]:
    rules: dict[str, OutletRules] = {}
    domains: dict[str, str] = {}
    for module in _MODULES:
        r: OutletRules = module.RULES
        if r.outlet in rules:
            raise ValueError(f"outlet {r.outlet!r} registered twice")
        rules[r.outlet] = r
        for domain in r.domains:
            if domain in domains:
                raise ValueError(f"domain {domain!r} claimed by {domains[domain]!r} and {r.outlet!r}")
            domains[domain] = r.outlet
    return rules, domains


_RULES, _DOMAINS = _build()

RULES: MappingProxyType[str, OutletRules] = MappingProxyType(_RULES)
# Outlet id → the domains it serves (subdomains included).
OUTLETS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({k: v.domains for k, v in _RULES.items()})


def _host(url: str) -> str:
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _known_outlet(host: str) -> str | None:
    parts = host.split(".")
    for i in range(len(parts) - 1):  # m.vnexpress.net → vnexpress.net
        outlet = _DOMAINS.get(".".join(parts[i:]))
        if outlet:
            return outlet
    return None


def outlet_for_url(url: str) -> str:
    """Outlet id of a URL: a known outlet, else the host without `www.` (the generic path)."""
    host = _host(url)
    return _known_outlet(host) or host


def rules_for_url(url: str) -> OutletRules:
    """The outlet's rules, or empty generic rules for an unknown domain."""
    outlet = _known_outlet(_host(url))
    return _RULES[outlet] if outlet else GENERIC


__all__ = ["OUTLETS", "RULES", "OutletRules", "outlet_for_url", "rules_for_url"]
