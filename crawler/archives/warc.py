"""WARC files (`.warc`, `.warc.gz`) read with FastWARC, the faster of the two maintained readers here
(benchmarks/bench_ingest.py reads the same WARC with FastWARC and warcio; docs/ingest.md has the figures).

Every record gives a `FetchedPage` or a `Skipped` with its reason. A record that cannot be read (a gzip
member cut short in the middle of a file, a corrupt block) does not stop the file: the reader finds the
next record start (the next gzip member that opens with a WARC header, or the next `WARC/1.x` line of an
uncompressed file) and goes on from there. Files are written one record per member, as the WARC standard
recommends; a member with several records may see some of them again after a resync, and the spider's
first-sighting rule keeps them from being ingested twice.
"""

from __future__ import annotations

import logging
import mmap
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from crawler.archives.records import Record, Skipped, charset_of, is_html, url_problem
from crawler.items import FetchedPage

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
# Bytes of a candidate gzip member inflated to see whether it opens with a WARC header.
PROBE_BYTES = 512
_PLAIN_START = re.compile(rb"(?:\A|(?<=\r\n\r\n))WARC/1\.[01]\r\n")
# fastwarc raises these on a broken stream: zlib/gzip errors are OSError, bad headers ValueError
_READ_ERRORS = (OSError, ValueError, EOFError)
_PAGE_TYPES = WarcRecordType.response | WarcRecordType.resource
# HTTP headers that change the payload's bytes: the length check only holds without them
_ENCODED = ("Content-Encoding", "Transfer-Encoding")


def read_warc(path: Path, max_size: int) -> Iterator[Record]:
    """Every record of one WARC file, as a page or a reason; unreadable stretches are skipped over."""
    offset: int | None = 0
    starts: list[int] | None = None
    while offset is not None:
        read = 0
        with path.open("rb") as fh:
            fh.seek(offset)
            try:
                for record in _iterate(fh):
                    yield _record(record, path, max_size)
                    read += 1
                return
            except _READ_ERRORS as exc:
                logger.warning("%s: unreadable record after offset %d: %s", path, offset, exc)
                if read == 0:  # the record at `offset` itself cannot be read
                    yield Skipped("corrupt", f"{path} at offset {offset}")
        if starts is None:
            starts = record_starts(path)
        offset = _resume_at(starts, offset, read)


def _iterate(fh: BinaryIO) -> Iterator[WarcRecord]:
    """Records with their HTTP headers parsed and the payload decoded (chunked, gzip)."""
    return iter(ArchiveIterator(fh, parse_http=True, auto_decode="all"))


def _resume_at(starts: list[int], offset: int, read: int) -> int | None:
    """Where to go on after a failure `read` good records past `offset`: the record start after the
    last good one (tried alone, so a broken record is found and counted), else the next start."""
    later = [s for s in starts if s > offset]
    if read > 0 and read <= len(later):
        return later[read - 1]
    return later[0] if later else None


def record_starts(path: Path) -> list[int]:
    """Offsets where a record begins: gzip members that inflate to a WARC header, or `WARC/1.x` lines."""
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return []
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:3] != GZIP_MAGIC:
                return [m.start() for m in _PLAIN_START.finditer(data)]
            starts = []
            pos = data.find(GZIP_MAGIC)
            while pos != -1:
                if _opens_warc(data[pos : pos + PROBE_BYTES]):
                    starts.append(pos)
                pos = data.find(GZIP_MAGIC, pos + 1)
            return starts


def _opens_warc(chunk: bytes) -> bool:
    try:
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(chunk, 8).startswith(b"WARC/")
    except zlib.error:
        return False


def _record(record: WarcRecord, path: Path, max_size: int) -> Record:
    """One record as a page to ingest, or the reason it is not one."""
    kind = record.record_type
    url = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    where = url or f"{path} {record.record_id}"
    if not kind & _PAGE_TYPES:
        return Skipped(str(kind), where)
    if problem := url_problem(url):
        return Skipped(problem, where)
    status = 200
    if kind == WarcRecordType.response:
        if not record.is_http or record.http_headers.status_code is None:
            return Skipped("broken_http", where)
        status = record.http_headers.status_code
        content_type = record.http_headers.get("Content-Type")
    else:
        content_type = record.headers.get("Content-Type")
    body = record.reader.read(max_size + 1)
    if len(body) > max_size:
        return Skipped("too_large", where)
    if not 200 <= status < 300:
        return Skipped(f"http_{status}", where)
    if not is_html(content_type, body):
        return Skipped("not_html", where)
    if len(body) < record.content_length and not _encoded(record):
        return Skipped("truncated", where)
    return FetchedPage(
        url=url,
        body=body,
        fetched_at=_aware(record.record_date),
        status=status,
        content_type=content_type,
        encoding=charset_of(content_type),
    )


def _encoded(record: WarcRecord) -> bool:
    return record.is_http and any(record.http_headers.get(h) for h in _ENCODED)


def _aware(when: datetime | None) -> datetime:
    if when is None:
        return datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
