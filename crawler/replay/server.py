"""The replay's HTTP server: `http://127.0.0.1:PORT/<host>/<path>` serves `https://<host>/<path>`.

A threaded stdlib server on a random free port, run in a background thread of the calling process.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

from crawler.replay.site import ReplaySite


def _handler(site: ReplaySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "vnnews-replay"

        def do_GET(self) -> None:
            host, _, rest = self.path.lstrip("/").partition("/")
            reply = site.respond(host, "/" + rest)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet: the site counts hits
            return None

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the stdlib default (5) drops connections when many crawls start at once
    daemon_threads = True


class ReplayServer:
    """Serve a `ReplaySite` on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self, site: ReplaySite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self._server = _Server((host, port), _handler(site))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        # typeshed types server_address as what bind() accepts (str | bytes host); once bound it is
        # getsockname()'s, whose host is a str
        return f"http://{host}:{port}"  # type: ignore[str-bytes-safe]

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
