"""`python -m crawler.replay --corpus own,shared`: serve the replay in the foreground, e.g. for
`scrapy crawl vnexpress -s REPLAY_URL=http://127.0.0.1:PORT`. A corpus may also be the path of a
MANIFEST.tsv of one's own pages (file, outlet, url, kind), e.g. a new outlet's mirrored pages."""

from __future__ import annotations

import argparse
import time

from crawler.replay import ReplayServer, ReplaySite, load_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.replay", description=__doc__)
    parser.add_argument(
        "--corpus", default="own,shared", help="comma list of own, shared, or MANIFEST.tsv paths"
    )
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    site = ReplaySite(load_corpus(args.corpus.split(",")))
    with ReplayServer(site, port=args.port) as server:
        print(f"replay of {len(site.pages)} pages ({', '.join(site.outlets)}) at {server.url}", flush=True)
        print(f"crawl with: scrapy crawl <outlet> -s REPLAY_URL={server.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
