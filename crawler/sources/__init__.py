"""Source profiles: one per outlet, in one registry (`SOURCES`), read by the generated spiders."""

from __future__ import annotations

from types import MappingProxyType

from crawler.sources.profile import VN_TZ, Archive, Listing, SourceProfile
from crawler.sources.registry import PROFILES


def _build() -> dict[str, SourceProfile]:
    sources: dict[str, SourceProfile] = {}
    owner: dict[str, str] = {}
    for profile in PROFILES:
        if profile.id in sources:
            raise ValueError(f"source {profile.id!r} registered twice")
        for domain in profile.domains:
            if domain in owner:
                raise ValueError(f"domain {domain!r} claimed by {owner[domain]!r} and {profile.id!r}")
            owner[domain] = profile.id
        sources[profile.id] = profile
    return sources


SOURCES: MappingProxyType[str, SourceProfile] = MappingProxyType(_build())


def get_source(source_id: str) -> SourceProfile:
    try:
        return SOURCES[source_id]
    except KeyError:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(sorted(SOURCES))}") from None


def source_for_url(url: str) -> SourceProfile | None:
    """The profile whose domains serve the URL, if any."""
    return next((p for p in SOURCES.values() if p.owns(url)), None)


__all__ = ["SOURCES", "VN_TZ", "Archive", "Listing", "SourceProfile", "get_source", "source_for_url"]
