"""Every outlet the crawler knows, one module each; the registry is built from those modules.

A module of this package (or a `.py` file in a folder named by VNNEWS_OUTLET_DIRS, for outlets of a
deployment's own) declares `OUTLET = Outlet(...)`: its source profile and extraction rules. Adding an
outlet is that one file plus its saved pages and their truth lines (docs/extraction.md).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType, ModuleType
from urllib.parse import urlsplit

from crawler.outlets.model import GENERIC_RULES, SLUG, Archive, Listing, Outlet, Rules

# Folders of extra outlet files, separated like PATH; each `*.py` in them declares one outlet.
OUTLET_DIRS_ENV = "VNNEWS_OUTLET_DIRS"
_NOT_OUTLETS = frozenset({"model"})


def _modules() -> Iterator[ModuleType]:
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _NOT_OUTLETS:
            yield importlib.import_module(f"{__name__}.{info.name}")
    for folder in filter(None, os.environ.get(OUTLET_DIRS_ENV, "").split(os.pathsep)):
        for file in sorted(Path(folder).glob("*.py")):
            spec = importlib.util.spec_from_file_location(f"vnnews_outlet_{file.stem}", file)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load the outlet file {file}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            yield module


def _build() -> tuple[dict[str, Outlet], dict[str, str]]:
    outlets: dict[str, Outlet] = {}
    owner: dict[str, str] = {}
    for module in _modules():
        outlet = getattr(module, "OUTLET", None)
        if not isinstance(outlet, Outlet):
            raise TypeError(f"{module.__name__} declares no OUTLET = Outlet(...)")
        if outlet.id in outlets:
            raise ValueError(f"outlet {outlet.id!r} declared twice")
        for domain in outlet.domains:
            if domain in owner:
                raise ValueError(f"domain {domain!r} claimed by {owner[domain]!r} and {outlet.id!r}")
            owner[domain] = outlet.id
        outlets[outlet.id] = outlet
    return dict(sorted(outlets.items())), owner


_OUTLETS, _DOMAINS = _build()

OUTLETS: MappingProxyType[str, Outlet] = MappingProxyType(_OUTLETS)


def get_outlet(outlet_id: str) -> Outlet:
    try:
        return OUTLETS[outlet_id]
    except KeyError:
        raise KeyError(f"unknown outlet {outlet_id!r}; known: {', '.join(OUTLETS)}") from None


def host_of(url: str) -> str:
    """The URL's host, lower-case, without a trailing dot or `www.` ("" when it has none)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def outlet_of(url: str) -> Outlet | None:
    """The outlet whose domains serve the URL (subdomains included: m.vnexpress.net), if any."""
    parts = host_of(url).split(".")
    for i in range(len(parts) - 1):
        outlet_id = _DOMAINS.get(".".join(parts[i:]))
        if outlet_id:
            return _OUTLETS[outlet_id]
    return None


def outlet_for_url(url: str) -> str:
    """Outlet id of a URL: a known outlet, else the host without `www.` (the generic path)."""
    outlet = outlet_of(url)
    return outlet.id if outlet else host_of(url)


def rules_for_url(url: str) -> Rules:
    """The outlet's rules, or the empty generic rules for an unknown domain."""
    outlet = outlet_of(url)
    return outlet.rules if outlet else GENERIC_RULES


__all__ = [
    "GENERIC_RULES",
    "OUTLETS",
    "SLUG",
    "Archive",
    "Listing",
    "Outlet",
    "Rules",
    "get_outlet",
    "host_of",
    "outlet_for_url",
    "outlet_of",
    "rules_for_url",
]
