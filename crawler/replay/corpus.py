"""The pages a replay serves, each under its real URL.

Two corpora: `own` (small pages written for this project, crawler/replay/pages, listed in its
MANIFEST.tsv) and `shared` (the real saved pages in ../shared/fixtures/pages, read in place through
their MANIFEST.tsv and never copied).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crawler.items import VN_TZ
from crawler.outlets import OUTLETS

OWN_DIR = Path(__file__).resolve().parent / "pages"
REPO_ROOT = Path(__file__).resolve().parents[2]
_PUBLISHED = (
    re.compile(rb'"datePublished"\s*:\s*"([^"]+)"'),
    re.compile(rb'property="article:published_time"\s+content="([^"]+)"'),
    re.compile(rb'itemprop="datePublished"\s+content="([^"]+)"'),
)
_FILE_DATE = re.compile(r"_(\d{4})_(\d{2})_(\d{2})_")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ReplayPage:
    outlet: str
    url: str
    file: Path
    published: datetime
    title: str
    kind: str = "article"
    original_url: str | None = None  # set on a repeated copy: the URL whose text is rewritten

    def body(self) -> bytes:
        data = self.file.read_bytes()
        if self.original_url:
            old, new = urlsplit(self.original_url).path.encode(), urlsplit(self.url).path.encode()
            data = data.replace(old, new)
        return data


def shared_fixtures_dir() -> Path | None:
    """../shared/fixtures next to the repository (or VNNEWS_SHARED_DIR/fixtures), if present."""
    base = Path(os.environ.get("VNNEWS_SHARED_DIR", REPO_ROOT.parent / "shared"))
    path = base / "fixtures"
    return path if (path / "MANIFEST.tsv").is_file() else None


def _published(data: bytes, file: Path) -> datetime:
    for pattern in _PUBLISHED:
        if m := pattern.search(data):
            try:
                value = datetime.fromisoformat(m.group(1).decode().strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    if named := _FILE_DATE.search(file.name):
        return datetime(int(named[1]), int(named[2]), int(named[3]), 8, 0, tzinfo=VN_TZ)
    return datetime.now(UTC)


def _title(data: bytes) -> str:
    m = _TITLE.search(data)
    return re.sub(r"\s+", " ", m.group(1).decode("utf-8", "replace")).strip() if m else ""


def _read_manifest(manifest: Path, root: Path, corpus: str) -> Iterator[ReplayPage]:
    with manifest.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            file = root / row["file"]
            if row["outlet"] not in OUTLETS or not file.is_file():
                continue
            data = file.read_bytes()
            kind = "article" if row.get("kind", "article").startswith("article") else "other"
            yield ReplayPage(row["outlet"], row["url"], file, _published(data, file), _title(data), kind)


def own_pages() -> list[ReplayPage]:
    return list(_read_manifest(OWN_DIR / "MANIFEST.tsv", OWN_DIR, "own"))


def shared_pages(fixtures: Path | None = None) -> list[ReplayPage]:
    fixtures = fixtures or shared_fixtures_dir()
    if fixtures is None:
        return []
    return list(_read_manifest(fixtures / "MANIFEST.tsv", fixtures / "pages", "shared"))


def manifest_pages(manifest: Path) -> list[ReplayPage]:
    """Pages listed in a MANIFEST.tsv of one's own (file paths relative to its folder): a new outlet's."""
    return list(_read_manifest(manifest, manifest.parent, str(manifest)))


def load_corpus(
    names: Iterable[str] = ("own", "shared"), outlets: Iterable[str] | None = None
) -> list[ReplayPage]:
    """Pages of the named corpora (`own`, `shared`, or the path of a MANIFEST.tsv), optionally only some
    outlets; an unknown name raises."""
    loaders = {"own": own_pages, "shared": shared_pages}
    pages: list[ReplayPage] = []
    for name in names:
        if name.endswith(".tsv"):
            pages.extend(manifest_pages(Path(name)))
            continue
        if name not in loaders:
            raise ValueError(f"unknown corpus {name!r}; use {', '.join(loaders)} or a MANIFEST.tsv path")
        pages.extend(loaders[name]())
    wanted = set(outlets) if outlets is not None else None
    return [p for p in pages if wanted is None or p.outlet in wanted]


def _variant_url(url: str, n: int) -> str:
    """The same article URL with `r<n>-` put in front of the last slug segment (still an article URL)."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for i in range(len(segments) - 1, -1, -1):
        stem = segments[i].rsplit(".", 1)[0]
        if re.search(r"[a-z]", stem):
            segments[i] = f"r{n}-{segments[i]}"
            break
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), parts.query, ""))


def repeated(pages: Iterable[ReplayPage], times: int) -> list[ReplayPage]:
    """Each page plus `times - 1` copies under other article URLs (for benchmarks)."""
    out: list[ReplayPage] = []
    for page in pages:
        out.append(page)
        for n in range(1, times):
            url = _variant_url(page.url, n)
            if OUTLETS[page.outlet].is_article(url):
                out.append(replace(page, url=url, original_url=page.url))
    return out
