"""The embedded default store: a SecantusDB server (MongoDB wire protocol) on a local data folder.

Used only when no MONGODB_URI is configured, so a new user has a working store with nothing to install.
One folder is served by one process at a time: `vnnews db` publishes its address in `server.json`,
and crawls started meanwhile connect to it instead of opening the folder themselves.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

SERVER_FILE = "server.json"


def vnnews_home() -> Path:
    """Where vnnews keeps local state: $VNNEWS_HOME, else $XDG_DATA_HOME/vnnews (~/.local/share/vnnews)."""
    if home := os.environ.get("VNNEWS_HOME"):
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "vnnews"


def default_data_dir() -> Path:
    return vnnews_home() / "db"


def _accepts_connections(uri: str, timeout: float = 0.5) -> bool:
    parts = urlsplit(uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 27017), timeout=timeout):
            return True
    except OSError:
        return False


def running_server_uri(data_dir: Path) -> str | None:
    """The URI of a live server already serving `data_dir` (started by `vnnews db`), if any."""
    try:
        info = json.loads((data_dir / SERVER_FILE).read_text())
    except (OSError, ValueError):
        return None
    uri = info.get("uri")
    return uri if isinstance(uri, str) and _accepts_connections(uri) else None


class EmbeddedServer:
    """Starts SecantusDB in this process on `data_dir`, or reuses the one already serving it."""

    def __init__(self, data_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.host = host
        self.port = port
        self._server: Any = None
        self.uri: str | None = None

    @property
    def owns_server(self) -> bool:
        """True when this object started the server (False when it attached to a running one)."""
        return self._server is not None

    def start(self, publish: bool = False) -> str:
        """Start (or attach) and return the URI; `publish` announces it for other processes."""
        if existing := running_server_uri(self.data_dir):
            logger.info("Using the embedded store already running at %s", existing)
            self.uri = existing
            return existing
        try:
            from secantus import SecantusDBServer
        except ImportError as exc:  # pragma: no cover - depends on how vnnews was installed
            raise RuntimeError(
                "No MONGODB_URI is set and the embedded store is not installed: "
                "install vnnews with the 'embedded' extra (pip install 'vnnews[embedded]') "
                "or point MONGODB_URI at a MongoDB server."
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = SecantusDBServer(host=self.host, port=self.port, storage_path=str(self.data_dir))
        self._server.start()
        self.uri = self._server.uri
        if publish:
            info = {"uri": self.uri, "pid": os.getpid()}
            (self.data_dir / SERVER_FILE).write_text(json.dumps(info))
        logger.info("Started the embedded store at %s (data in %s)", self.uri, self.data_dir)
        return self.uri

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server_file = self.data_dir / SERVER_FILE
        try:
            if json.loads(server_file.read_text()).get("pid") == os.getpid():
                server_file.unlink()
        except (OSError, ValueError):
            pass
        server.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
