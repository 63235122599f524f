"""Benchmark: crawler.normalize.canonical_url (w3lib percent-encoding) against the urllib-only spelling
it replaced, on the same links. canonical_url runs on every link a listing, feed or sitemap offers.

Run: .venv/bin/python benchmarks/bench_canonical_url.py [--rounds N] [--links N]
Prints microseconds per link (best round) for both, the ratio, and how many `_id`s each one makes of
links that are one article spelled several ways. A measurement, not a test: nothing asserts a speed.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.normalize import TRACKING_PARAMS, canonical_url

# One article, as links and redirects spell it: raw UTF-8, escaped, lower-case escapes, tracking, mobile.
SPELLINGS = (
    "https://tuoitre.vn/bão-số-{n}-đổ-bộ-1002607{n:05d}.htm",
    "https://tuoitre.vn/b%C3%A3o-s%E1%BB%91-{n}-%C4%91%E1%BB%95-b%E1%BB%99-1002607{n:05d}.htm",
    "https://tuoitre.vn/b%c3%a3o-s%e1%bb%91-{n}-%c4%91%e1%bb%95-b%e1%bb%99-1002607{n:05d}.htm",
    "http://www.tuoitre.vn/bão-số-{n}-đổ-bộ-1002607{n:05d}.htm?utm_source=fb#binh-luan",
    "https://m.tuoitre.vn/bão-số-{n}-đổ-bộ-1002607{n:05d}.htm/amp",
    "https://vnexpress.net/mua-lon-ha-noi-{n}.html?utm_medium=rss&page=1",  # ASCII, the common case
)


def urllib_only(url: str) -> str:
    """The canonicaliser before w3lib: the same rules, no percent-encoding of the path (the baseline)."""
    parts = urlsplit(url.strip())
    port = parts.port
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if path.endswith("/amp") or path.endswith(".amp"):
        path = path[:-4] or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)
    ]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def best_seconds(func: Callable[[str], str], links: list[str], rounds: int) -> float:
    for link in links:  # warm-up: regex and codec caches
        func(link)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for link in links:
            func(link)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--links", type=int, default=2000, help="articles; each is spelled 5 ways plus 1 ASCII link"
    )
    args = parser.parse_args()
    links = [s.format(n=n) for n in range(args.links) for s in SPELLINGS]
    articles = 2 * args.links  # one Tuổi Trẻ article and one VnExpress article per n
    print(f"{len(links)} links of {articles} articles, best of {args.rounds} rounds")
    ascii_links = [link for link in links if link.isascii() and "%" not in link]
    for label, subset in (("all links", links), ("plain ASCII links only", ascii_links)):
        print(f"-- {label} ({len(subset)})")
        results = []
        for name, func in (("urllib only (baseline)", urllib_only), ("canonical_url (w3lib)", canonical_url)):
            seconds = best_seconds(func, subset, args.rounds)
            ids = len({func(link) for link in subset})
            results.append(seconds)
            print(f"{name:24} {seconds / len(subset) * 1e6:8.2f} µs/link   {ids:6d} _ids")
        print(f"ratio canonical_url / baseline: {results[1] / results[0]:.2f}x")


if __name__ == "__main__":
    main()
