"""`vnnews dates [--now ISO]`: one date string per input line in, one normalised date per line out.

Output per line: an ISO 8601 datetime with its offset, to the minute or the second as the text
gives it; `YYYY-MM-DD` when the text carries no time of day; an empty line when there is no date.
Times are written in Vietnamese local time (+07:00) unless the text gave its own offset, which is
kept as written (`...Z` comes out as `+00:00`); epoch seconds come out in local time.
Relative and year-less inputs ("2h trước", "Ngày 10/8") are resolved against `--now`
(an ISO datetime, local time when it has no offset; default: the current time).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TextIO

from crawler.dates.parse import parse_date
from crawler.dates.vocab import VN_TZ


def _iso_now(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO datetime: {text!r}") from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)


def build_parser() -> argparse.ArgumentParser:
    """Shared with the `vnnews` console script so both spell the options the same way."""
    parser = argparse.ArgumentParser(
        prog="vnnews dates",
        description="Normalise Vietnamese date strings, one per line, from standard input.",
    )
    parser.add_argument(
        "--now",
        type=_iso_now,
        default=None,
        metavar="ISO",
        help="reference time for relative and year-less dates (default: now; no offset means +07:00)",
    )
    return parser


def run(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Entry point for `vnnews dates`; returns the exit status (argparse exits 2 on bad options)."""
    args = build_parser().parse_args(argv)
    stdin = stdin if stdin is not None else _utf8(sys.stdin)
    stdout = stdout if stdout is not None else _utf8(sys.stdout)
    now = args.now if args.now is not None else datetime.now(VN_TZ)  # one reference for the whole run
    for line in stdin:
        parsed = parse_date(line.rstrip("\r\n"), now=now)
        stdout.write((parsed.isoformat() if parsed else "") + "\n")
    stdout.flush()
    return 0


def _utf8(stream: TextIO) -> TextIO:
    """Scraped columns are UTF-8 whatever the terminal's locale says."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="replace")
    return stream


if __name__ == "__main__":
    sys.exit(run())
