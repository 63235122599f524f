"""The `vnnews` command. Each subcommand lives with the code it serves; this module only dispatches."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from crawler.store.embedded import EmbeddedServer, default_data_dir

# subcommand → (module, function taking the remaining argv and returning an exit code, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("crawler.commands.demo", "run_demo", "embedded store + crawl of the local replay + summary"),
    "db": ("crawler.cli", "run_db", "run the embedded MongoDB-compatible store in the foreground"),
    "dates": ("crawler.commands.dates", "run", "parse Vietnamese date strings from standard input"),
    "extract": ("crawler.commands.extract", "run_extract", "print the article extracted from a saved page"),
    "reextract": ("crawler.commands.extract", "run_reextract", "re-run extraction over stored raw pages"),
    "stories": ("crawler.commands.stories", "run", "the latest stories and the outlets that carried them"),
}


def run_db(argv: Sequence[str]) -> int:
    """Serve the embedded store so mongosh, pymongo or Compass can open the crawled data."""
    parser = argparse.ArgumentParser(prog="vnnews db", description=run_db.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27017)
    parser.add_argument("--data-dir", default=None, help=f"default: {default_data_dir()}")
    args = parser.parse_args(argv)
    server = EmbeddedServer(args.data_dir, host=args.host, port=args.port)
    uri = server.start(publish=True)
    if not server.owns_server:
        print(f"The embedded store is already running at {uri}", file=sys.stderr)
        return 1
    print(f"vnnews store running at {uri}  (data in {server.data_dir}); Ctrl+C stops it", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        server.stop()
    return 0


def _resolve(name: str) -> Callable[[Sequence[str]], int]:
    module, function, _ = SUBCOMMANDS[name]
    return getattr(importlib.import_module(module), function)


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
