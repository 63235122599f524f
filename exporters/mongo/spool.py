"""A local on-disk spool for writes the store could not take.

When MongoDB is unreachable or a write fails, each batch is written to its own file (fsynced, renamed
into place, so a killed crawl leaves no half file) and replayed, oldest first, when the store is back.
Replays are harmless because every write is an idempotent upsert.

A file damaged anyway (a full disk, a copy cut short, bytes that are not UTF-8) loses nothing that can
be read: good lines are written, and each bad line is kept as it was in `<spool>/corrupt/<file>` with
a log line that says which line and why, for a person to look at.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

from bson import json_util

logger = logging.getLogger(__name__)

_JSON = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True, tzinfo=UTC)


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.corrupt_directory = self.directory.parent / "corrupt"

    def append(self, entries: list[dict[str, Any]]) -> Path:
        """Persist one batch; returns its file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid1().hex}.jsonl"  # uuid1 starts with the time: names sort by age within a host
        tmp = self.directory / f".{name}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for entry in entries:
                fh.write(json_util.dumps(entry, json_options=_JSON))
                fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        final = self.directory / name
        tmp.replace(final)
        return final

    def files(self) -> list[Path]:
        """Pending files, oldest first (a file another writer replays and removes meanwhile is left out:
        crawls of one process, or processes, share the spool)."""
        if not self.directory.is_dir():
            return []
        aged = []
        for path in self.directory.glob("*.jsonl"):
            try:
                aged.append((path.stat().st_mtime_ns, path.name, path))
            except FileNotFoundError:
                continue
        return [path for _, _, path in sorted(aged)]

    def read(self, path: Path) -> Iterator[dict[str, Any]]:
        """The spooled entries of one file; a line that cannot be one is set aside, never dropped.

        A file gone by now was replayed and removed by another writer sharing the spool: nothing to do."""
        try:
            fh = path.open("rb")
        except FileNotFoundError:
            return
        with fh:
            for line_no, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                entry, problem = _entry(raw)
                if entry is not None:
                    yield entry
                    continue
                self._set_aside(path, raw)
                logger.error(
                    "Spool file %s, line %d: %s; kept in %s", path, line_no, problem, self.corrupt_directory
                )

    def _set_aside(self, path: Path, raw: bytes) -> None:
        self.corrupt_directory.mkdir(parents=True, exist_ok=True)
        with (self.corrupt_directory / path.name).open("ab") as fh:
            fh.write(raw if raw.endswith(b"\n") else raw + b"\n")
            fh.flush()
            os.fsync(fh.fileno())

    def pending_count(self) -> int:
        count = 0
        for path in self.files():
            try:
                with path.open("rb") as fh:
                    count += sum(1 for line in fh if line.strip())
            except FileNotFoundError:  # written and removed by another writer meanwhile
                continue
        return count

    @staticmethod
    def remove(path: Path) -> None:
        path.unlink(missing_ok=True)


def _entry(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """A spool line as an entry (an article document and when it was seen), or why it is not one."""
    try:
        entry = json_util.loads(raw.decode("utf-8"), json_options=_JSON)
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except ValueError as exc:
        return None, f"not JSON ({str(exc)[:80]})"
    article = entry.get("article") if isinstance(entry, dict) else None
    if not isinstance(article, dict) or not article.get("_id") or "seen_at" not in entry:
        return None, "not a spooled article (no article._id or seen_at)"
    return entry, ""
