"""The embedded default store: one SecantusDB server per data folder, shared by every process.

Used only when no MONGODB_URI is configured, so a new user has a working store with nothing to install.
WiredTiger lets one process open a folder, so no vnnews process opens it itself: the first one starts a
store server as a separate, detached process (`python -m crawler.store.embedded`, SecantusDB's server
class plus an idle watch) that outlives it and publishes itself in the folder (`server.json`: uri, pid);
every later process attaches to it. Starting and attaching happen under an fcntl lock on `server.lock`,
so two starters never race. Each attached process leaves a file in `clients/` (removed when it is done;
a dead process's file is ignored); the server stops once no client and no connection has been seen for
VNNEWS_EMBEDDED_IDLE_SECONDS. A record whose server is gone (killed) is detected and replaced, on the
same port when it is free, so crawls still running reconnect to the new server by themselves.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

SERVER_FILE = "server.json"
LOCK_FILE = "server.lock"
LOG_FILE = "server.log"
CLIENTS_DIR = "clients"
# Seconds a new server may take to open its folder: WiredTiger recovery after a kill can be slow.
START_TIMEOUT = 60.0
# Seconds between two looks at the clients and connections (the idle time is counted in these steps).
IDLE_POLL_SECONDS = 0.5
# Seconds a TCP connect to a published server may take before the record is taken as stale.
CONNECT_TIMEOUT = 2.0
# Seconds between two looks for the record of a server being started.
START_POLL_SECONDS = 0.05
# Lines of the server's log quoted when it fails to start.
LOG_TAIL_LINES = 20


def vnnews_home() -> Path:
    """Where vnnews keeps local state: $VNNEWS_HOME, else $XDG_DATA_HOME/vnnews (~/.local/share/vnnews)."""
    if home := os.environ.get("VNNEWS_HOME"):
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "vnnews"


def default_data_dir() -> Path:
    return vnnews_home() / "db"


class EmbeddedStoreError(RuntimeError):
    """The embedded store could not be started or reached; the message says what to do."""


# -- the record in the folder ----------------------------------------------------------------------


@contextlib.contextmanager
def folder_lock(data_dir: Path) -> Iterator[None]:
    """Exclusive lock on the folder's server record (held while a server is started or stopped)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_record(data_dir: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((data_dir / SERVER_FILE).read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(info, dict) and isinstance(info.get("uri"), str) and isinstance(info.get("pid"), int)
    return info if ok else None


def _write_record(data_dir: Path, info: dict[str, Any]) -> None:
    tmp = data_dir / f".{SERVER_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(info))
    tmp.replace(data_dir / SERVER_FILE)  # atomic: a reader sees the old record or the new one


def _pid_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (killed, not yet reaped by its parent) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (macOS): the signal test above is all there is
    return state not in ("Z", "X")


def _is_store_server(pid: int) -> bool:
    """Is `pid` alive and a store server (not another program that got a dead server's pid)?"""
    if not _pid_alive(pid):
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): assume it is
    return b"crawler.store.embedded" in command


def _accepts_connections(uri: str, timeout: float = CONNECT_TIMEOUT) -> bool:
    parts = urlsplit(uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 27017), timeout=timeout):
            return True
    except OSError:
        return False


def live_record(data_dir: Path) -> dict[str, Any] | None:
    """The record of the server serving `data_dir`, if that server is alive and listening."""
    info = read_record(data_dir)
    if info is None or not _pid_alive(info["pid"]):
        return None
    return info if _accepts_connections(info["uri"]) else None


def running_server_uri(data_dir: Path) -> str | None:
    """The URI of a live server already serving `data_dir`, if any."""
    info = live_record(Path(data_dir))
    return info["uri"] if info else None


def _live_clients(data_dir: Path) -> int:
    """Attached processes still alive; files left by dead ones are removed."""
    live = 0
    for path in (data_dir / CLIENTS_DIR).glob("*"):
        pid = path.name.split("-", 1)[0]
        if pid.isdigit() and _pid_alive(int(pid)):
            live += 1
        else:
            path.unlink(missing_ok=True)
    return live


# -- a process that uses the store ------------------------------------------------------------------


class EmbeddedServer:
    """Attach to the server of `data_dir`, starting it first when none serves the folder.

    `stop()` detaches: the server stays up for the other processes and stops itself when idle.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        idle_seconds: float = 300.0,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.host = host
        self.port = port
        self.idle_seconds = idle_seconds
        self.uri: str | None = None
        self.pid: int | None = None
        self.started = False  # True when this object started the server (False: it attached)
        self._client_file: Path | None = None

    def start(self) -> str:
        """Attach (starting the server when needed) and return its URI."""
        with folder_lock(self.data_dir):
            info = live_record(self.data_dir)
            if info is None:
                info = self._spawn(read_record(self.data_dir))
                self.started = True
            clients = self.data_dir / CLIENTS_DIR
            clients.mkdir(exist_ok=True)
            self._client_file = clients / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            self._client_file.touch()
        self.uri, self.pid = info["uri"], info["pid"]
        how = "Started" if self.started else "Using"
        logger.info("%s the embedded store at %s (data in %s)", how, self.uri, self.data_dir)
        return self.uri

    def stop(self) -> None:
        """Detach; the server stops by itself once no process has used it for the idle time."""
        if self._client_file is not None:
            self._client_file.unlink(missing_ok=True)
            self._client_file = None

    def _spawn(self, stale: dict[str, Any] | None) -> dict[str, Any]:
        """Start the server process (lock held); a stale record's port is reused so its clients reconnect."""
        _check_installed()
        if stale is not None and _is_store_server(stale["pid"]) and read_record(self.data_dir) == stale:
            raise EmbeddedStoreError(
                f"the store server (pid {stale['pid']}) holds {self.data_dir} but does not answer at "
                f"{stale['uri']}; stop it (kill {stale['pid']}) and run again"
            )
        (self.data_dir / SERVER_FILE).unlink(missing_ok=True)
        port = self.port
        if not port and stale is not None:
            port = urlsplit(stale["uri"]).port or 0
            logger.warning("The embedded store at %s was gone (pid %s); starting it again", *stale.values())
        command = [sys.executable, "-m", "crawler.store.embedded", "--data-dir", str(self.data_dir)]
        command += ["--host", self.host, "--port", str(port), "--idle-seconds", str(self.idle_seconds)]
        root = str(Path(__file__).resolve().parents[2])  # so `-m crawler…` imports this very package
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        # A launcher starts the server and exits at once: the server is nobody's child (no zombie that
        # looks alive, no process handle to keep), it runs in its own session and outlives us.
        launched = subprocess.run(
            [*command, "--detach"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        pid = int(launched.stdout.strip() or 0)
        deadline = time.monotonic() + START_TIMEOUT
        while pid and time.monotonic() < deadline and _pid_alive(pid):
            info = read_record(self.data_dir)
            if info is not None and info["pid"] == pid:
                return info
            time.sleep(START_POLL_SECONDS)
        if pid and _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        raise EmbeddedStoreError(
            f"the embedded store did not start on {self.data_dir}:\n{launched.stderr}"
            f"{_log_tail(self.data_dir / LOG_FILE)}"
        )

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _check_installed() -> None:
    try:
        import secantus  # noqa: F401  (only to give a clear message here, before the server starts)
    except ImportError as exc:  # pragma: no cover - depends on how vnnews was installed
        raise EmbeddedStoreError(
            "No MONGODB_URI is set and the embedded store is not installed: "
            "install vnnews with the 'embedded' extra (pip install 'vnnews[embedded]') "
            "or point MONGODB_URI at a MongoDB server."
        ) from exc


def _log_tail(path: Path) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:])
    except OSError:
        return "(no log)"


def stop_server(data_dir: Path | str, timeout: float = START_TIMEOUT) -> bool:
    """Ask the server of `data_dir` to stop now (SIGTERM); True when one was running."""
    info = read_record(Path(data_dir))
    if info is None or not _pid_alive(info["pid"]):
        return False
    os.kill(info["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(info["pid"]) and read_record(Path(data_dir)) == info and time.monotonic() < deadline:
        time.sleep(START_POLL_SECONDS)
    return True


# -- the server process ------------------------------------------------------------------------------


def serve(data_dir: Path, host: str, port: int, idle_seconds: float) -> int:
    """Run the store server on `data_dir` until it has been idle for `idle_seconds` (or SIGTERM)."""
    from secantus import SecantusDBServer  # the embedded extra; checked by the starter

    server = SecantusDBServer(host=host, port=port, storage_path=str(data_dir))
    try:
        server.start()
    except OSError:
        if not port:
            raise
        logger.warning("port %d is taken; the store listens on a free one", port)
        server = SecantusDBServer(host=host, port=0, storage_path=str(data_dir))
        server.start()
    # journal=true: an acknowledged write is in the WiredTiger log, so a killed server loses none
    me = {"uri": f"{server.uri}?directConnection=true&journal=true", "pid": os.getpid()}
    _write_record(data_dir, me)
    logger.info("serving %s at %s", data_dir, me["uri"])
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while True:
        _wait_until_idle(server, data_dir, idle_seconds, stop)
        if not data_dir.is_dir():  # the folder was deleted: nothing left to serve, no record to remove
            server.stop()
            return 0
        with folder_lock(data_dir):  # a process attaching meanwhile waits, then starts a new server
            if not stop.is_set() and data_dir.is_dir() and _live_clients(data_dir):
                continue  # a client attached just as the server went idle: keep serving
            if read_record(data_dir) == me:
                (data_dir / SERVER_FILE).unlink(missing_ok=True)
            server.stop()
        logger.info("stopped (%s)", "signal" if stop.is_set() else "idle")
        return 0


def _wait_until_idle(server: Any, data_dir: Path, idle_seconds: float, stop: threading.Event) -> None:
    """Return once no client process and no connection has been seen for `idle_seconds`, or on stop."""
    idle_since = time.monotonic()
    while not stop.wait(IDLE_POLL_SECONDS):
        if not data_dir.is_dir():
            return  # the folder was deleted: nothing left to serve
        if len(server.connections) or _live_clients(data_dir):
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= idle_seconds:
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.store.embedded", description=serve.__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--idle-seconds", type=float, required=True)
    parser.add_argument("--detach", action="store_true", help="start the server in the background")
    args = parser.parse_args(argv)
    if args.detach:
        return _detach([a for a in (argv if argv is not None else sys.argv[1:]) if a != "--detach"], args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(message)s")
    return serve(args.data_dir, args.host, args.port, args.idle_seconds)


def _detach(argv: list[str], args: argparse.Namespace) -> int:
    """Start the server in its own session, logging to the folder; print its pid and exit."""
    args.data_dir.mkdir(parents=True, exist_ok=True)
    with open(args.data_dir / LOG_FILE, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "crawler.store.embedded", *argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    print(server.pid, flush=True)
    os._exit(0)  # leave the server running without waiting for it


if __name__ == "__main__":
    raise SystemExit(main())
