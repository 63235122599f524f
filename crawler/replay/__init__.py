"""Offline replay: saved pages served under their real URLs, with generated feeds, sitemaps, listings
and robots.txt, and the REPLAY_URL switch that sends the unchanged spiders there (docs/spiders.md)."""

from __future__ import annotations

from crawler.replay.corpus import ReplayPage, load_corpus, own_pages, repeated, shared_pages
from crawler.replay.server import ReplayServer
from crawler.replay.site import ReplaySite

__all__ = ["ReplayPage", "ReplayServer", "ReplaySite", "load_corpus", "own_pages", "repeated", "shared_pages"]
