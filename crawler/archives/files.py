"""Paths to records: folders are walked, each file read by its kind (WARC or a saved HTML page).

A saved `.html` file does not say where it came from, so `UrlFrom` gives its URL: the page's own
`<link rel=canonical>` (else its og:url), its og:url (else the canonical), or a manifest (TSV: file, url;
files relative to the manifest's folder).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from crawler.archives.records import Record, Skipped, url_problem
from crawler.archives.warc import read_warc
from crawler.extraction.xpath import strings
from crawler.items import FetchedPage

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_SUFFIXES = (".html", ".htm")
MANIFEST_SUFFIX = ".tsv"  # a manifest beside the pages is not a page
URL_FROM_MODES = ("canonical", "og")
# The head of a page, where canonical and og:url live, is within its first bytes.
HEAD_BYTES = 256 * 1024
_HEAD_PARSER = etree.HTMLParser(recover=True, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class UrlFrom:
    """How a saved HTML file gets its URL: `canonical`, `og`, or `manifest:FILE`."""

    mode: str = "canonical"
    manifest: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> UrlFrom:
        """Read `--url-from`; a bad value or an unreadable manifest raises ValueError saying why."""
        mode, _, name = text.partition(":")
        if mode in URL_FROM_MODES and not name:
            return cls(mode)
        if mode == "manifest" and name:
            return cls("manifest", read_manifest(Path(name)))
        raise ValueError(f"--url-from {text!r}: use canonical, og or manifest:FILE")

    def url_of(self, path: Path, body: bytes) -> str | None:
        if self.mode == "manifest":
            return self.manifest.get(path.resolve())
        canonical, og = head_urls(body)
        return (canonical or og) if self.mode == "canonical" else (og or canonical)


def read_manifest(path: Path) -> dict[Path, str]:
    """{resolved file: url} from a TSV of `file<TAB>url` lines (a `file url` header line is allowed)."""
    if not path.is_file():
        raise ValueError(f"manifest {path} does not exist")
    urls: dict[Path, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if not row or row[0].startswith("#") or (number == 1 and row[:2] == ["file", "url"]):
                continue
            if len(row) < 2 or not row[1].strip():
                raise ValueError(f"{path}:{number}: expected `file<TAB>url`, got {row!r}")
            urls[(path.parent / row[0].strip()).resolve()] = row[1].strip()
    return urls


_CANONICAL = strings("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
_OG_URL = strings("//meta[@property='og:url']/@content")


def head_urls(body: bytes) -> tuple[str | None, str | None]:
    """The page's `<link rel=canonical>` and `og:url`, when present."""
    try:
        tree = etree.fromstring(body[:HEAD_BYTES], _HEAD_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None, None
    if tree is None:
        return None, None
    canonical, og = _CANONICAL(tree), _OG_URL(tree)
    return (str(canonical[0]).strip() or None) if canonical else None, (
        (str(og[0]).strip() or None) if og else None
    )


def archive_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files to read, folders walked in name order; a missing path raises FileNotFoundError."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"{path} does not exist")


def read_paths(paths: Iterable[Path], url_from: UrlFrom, max_size: int) -> Iterator[Record]:
    """Every record of every file under `paths`; other files (not manifests) are skipped: `not_archive`."""
    for path in archive_files(paths):
        name = path.name.lower()
        if name.endswith(WARC_SUFFIXES):
            yield from read_warc(path, max_size)
        elif name.endswith(HTML_SUFFIXES):
            yield read_html(path, url_from, max_size)
        elif not name.endswith(MANIFEST_SUFFIX):
            yield Skipped("not_archive", str(path))


def read_html(path: Path, url_from: UrlFrom, max_size: int) -> Record:
    """One saved page; its fetch time is the file's modification time."""
    if path.stat().st_size > max_size:
        return Skipped("too_large", str(path))
    body = path.read_bytes()
    url = url_from.url_of(path, body)
    if problem := url_problem(url):
        return Skipped(problem, str(path))
    assert url is not None
    return FetchedPage(
        url=url,
        body=body,
        fetched_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        status=200,
        content_type="text/html",
    )
