"""What every `vnnews` command shares: one way to open the store, print a table and report progress.

Commands take `--uri/--database` (`add_store_arguments`), open the store with `open_store` (the
embedded one when no URI is configured), print results with `print_table` and show long work with
`Progress`: a live line on a terminal (rich), plain log lines otherwise (cron, systemd, CI).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TextIO

from pymongo.database import Database
from rich.console import Console
from rich.live import Live
from rich.text import Text

from crawler.store.connection import database_name, resolve_uri, sync_client

# Seconds between two progress lines when the output is not a terminal.
PLAIN_PROGRESS_EVERY = 10.0


@dataclass(frozen=True)
class Store:
    """An open store: the database and the URI it was reached at (it may hold a password: `redact_uri`
    before printing it)."""

    db: Database[Any]
    uri: str


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uri", help="MongoDB URI (default: MONGODB_URI, else the embedded store)")
    parser.add_argument("--database", help="database name (default: MONGODB_DATABASE or vnnews)")


@contextmanager
def open_store(uri: str | None = None, database: str | None = None) -> Iterator[Store]:
    """The store at `uri`, else MONGODB_URI, else the embedded one (started here and stopped after)."""
    server = None
    if not uri:
        uri, server = resolve_uri(None)
    client = sync_client(uri)
    try:
        yield Store(client[database or database_name(None)], uri)
    finally:
        client.close()
        if server is not None:
            server.stop()


def print_table(
    columns: Sequence[str],
    rows: Mapping[str, Mapping[str, Any]],
    out: TextIO | None = None,
    *,
    key: str = "outlet",
    total: bool = True,
) -> None:
    """A fixed-width table, one row per key, numbers right-aligned, with a total row of the numbers."""
    out = out or sys.stdout
    width = max([12, *(len(k) + 2 for k in rows)])
    cells = {c: max(10, len(c) + 1, *(len(_cell(r.get(c))) + 2 for r in rows.values())) for c in columns}
    out.write(f"{key:<{width}}" + "".join(f"{c:>{cells[c]}}" for c in columns) + "\n")
    totals: Counter[str] = Counter()
    for name, row in rows.items():
        out.write(f"{name:<{width}}" + "".join(f"{_cell(row.get(c)):>{cells[c]}}" for c in columns) + "\n")
        for c in columns:
            if isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool):
                totals[c] += row[c]
    if total:
        out.write(f"{'total':<{width}}" + "".join(f"{_cell(totals.get(c, '')):>{cells[c]}}" for c in columns))
        out.write("\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


class Progress:
    """Counts of long work (records read, articles stored, …), shown as they change.

    On a terminal a rich live line is redrawn; otherwise a plain line is written every
    PLAIN_PROGRESS_EVERY seconds and once at the end, so a scheduler's log shows the work too, whatever
    the crawl's LOG_LEVEL.
    """

    def __init__(self, title: str, out: TextIO | None = None) -> None:
        self.title = title
        self.counts: Counter[str] = Counter()
        self.out = out or sys.stderr
        self.started = time.monotonic()
        self._last_line = self.started
        self._live: Live | None = None
        if self.out.isatty():
            self._live = Live(Text(title), console=Console(file=self.out), transient=True)

    def __enter__(self) -> Progress:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
        self._plain()

    def advance(self, **counts: int) -> None:
        self.counts.update(counts)
        if self._live is not None:
            self._live.update(Text(self.line()))
        elif time.monotonic() - self._last_line >= PLAIN_PROGRESS_EVERY:
            self._last_line = time.monotonic()
            self._plain()

    def _plain(self) -> None:
        self.out.write(self.line() + "\n")
        self.out.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        parts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        first = next(iter(self.counts.values()), 0)
        return f"{self.title}: {parts or 'starting'} ({first / elapsed:.1f}/s, {elapsed:.0f} s)"
