"""A local on-disk spool for writes the store could not take.

When MongoDB is unreachable or a write fails, each batch is written to its own file (fsynced, renamed
into place, so a killed crawl leaves no half file) and replayed, oldest first, when the store is back.
Replays are harmless because every write is an idempotent upsert.
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
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.jsonl"), key=lambda p: (p.stat().st_mtime_ns, p.name))

    def read(self, path: Path) -> Iterator[dict[str, Any]]:
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json_util.loads(line, json_options=_JSON)
                except ValueError:
                    logger.error("Skipping unreadable line %d of spool file %s", line_no, path)

    def pending_count(self) -> int:
        return sum(sum(1 for line in p.open(encoding="utf-8") if line.strip()) for p in self.files())

    @staticmethod
    def remove(path: Path) -> None:
        path.unlink(missing_ok=True)
