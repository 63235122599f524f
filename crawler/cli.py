"""The `vnnews` command. Each subcommand lives with the code it serves; this module only dispatches."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from crawler.store.connection import default_settings
from crawler.store.embedded import EmbeddedServer, default_data_dir

# subcommand → (module, function taking the remaining argv and returning an exit code, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("crawler.commands.demo", "run_demo", "embedded store + crawl of the local replay + summary"),
    "db": ("crawler.cli", "run_db", "run the embedded MongoDB-compatible store in the foreground"),
    "dates": ("crawler.commands.dates", "run", "parse Vietnamese date strings from standard input"),
    "extract": ("crawler.commands.extract", "run_extract", "print the article extracted from a saved page"),
    "reextract": ("crawler.commands.extract", "run_reextract", "re-run extraction over stored raw pages"),
    "stories": ("crawler.commands.stories", "run", "the latest stories and the outlets that carried them"),
    "export": ("crawler.commands.export", "run", "articles from the store to JSON lines, CSV or Parquet"),
    "crawl": ("crawler.commands.crawl", "run", "crawl outlets under their lease; a summary table at the end"),
    "status": ("crawler.commands.status", "run", "per-outlet health from the run records; exit 1: unhealthy"),
    "ingest": ("crawler.commands.ingest", "run_ingest", "backfill from WARC files and saved .html pages"),
}


def run_db(argv: Sequence[str]) -> int:
    """Serve the embedded store so mongosh, pymongo or Compass can open the crawled data."""
    parser = argparse.ArgumentParser(prog="vnnews db", description=run_db.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27017, help="used when no server runs on the folder yet")
    parser.add_argument("--data-dir", default=None, help=f"default: {default_data_dir()}")
    args = parser.parse_args(argv)
    idle = default_settings().getfloat("VNNEWS_EMBEDDED_IDLE_SECONDS")
    server = EmbeddedServer(args.data_dir, host=args.host, port=args.port, idle_seconds=idle)
    uri = server.start()  # the folder's shared server: started here, or the one crawls already use
    how = "started" if server.started else "already running"
    print(f"vnnews store {how} at {uri}  (data in {server.data_dir}); Ctrl+C detaches", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        server.stop()  # the server stops by itself once no process has used it for the idle time
    return 0


def _resolve(name: str) -> Callable[[Sequence[str]], int]:
    module, function, _ = SUBCOMMANDS[name]
    command: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module), function)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = (
        "usage: vnnews {"
        + ",".join(SUBCOMMANDS)
        + "} [options]\n\n"
        + "\n".join(f"  {name:<10} {text}" for name, (_, _, text) in SUBCOMMANDS.items())
    )
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"vnnews: unknown command {name!r}\n\n{usage}", file=sys.stderr)
        return 2
    return int(_resolve(name)(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
