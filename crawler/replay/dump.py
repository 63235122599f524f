"""Dump a store as sorted JSON lines without volatile fields, to compare two runs of the replay demo.

`python -m crawler.replay.dump --uri URI > before.jsonl`, change the code, run the demo into a fresh
data folder, dump again and `diff` the two: what differs is what the change did to stored data.
Volatile fields are the ones that say when something happened (fetch and index times, run ids), not
what was stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from bson import Binary

from crawler.store.connection import database_name, sync_client

# Per collection: fields that change on every run whatever the code does.
VOLATILE: dict[str, frozenset[str]] = {
    "articles": frozenset({"fetched_at", "first_seen_at", "last_seen_at", "updated_at"}),
    "pages": frozenset({"fetched_at", "expires_at", "html"}),
    "stories": frozenset({"created_at", "updated_at"}),
    "story_bands": frozenset({"indexed_at", "sig"}),
    "crawl_skips": frozenset({"at", "expires_at", "seen_at"}),
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | Binary):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dump_lines(db: Any) -> Iterator[str]:
    """One line per document of every collection, `collection<TAB>json`, sorted."""
    for name in sorted(db.list_collection_names()):
        volatile = VOLATILE.get(name, frozenset())
        lines = []
        for doc in db[name].find({}):
            kept = {k: v for k, v in doc.items() if k not in volatile}
            lines.append(f"{name}\t{json.dumps(_plain(kept), ensure_ascii=False, sort_keys=True)}")
        yield from sorted(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.replay.dump", description=__doc__)
    parser.add_argument("--uri", required=True, help="the store to dump (e.g. the one vnnews db serves)")
    parser.add_argument("--database", default=None, help="default: MONGODB_DATABASE or vnnews")
    args = parser.parse_args(argv)
    with sync_client(args.uri) as client:
        for line in dump_lines(client[args.database or database_name()]):
            sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
