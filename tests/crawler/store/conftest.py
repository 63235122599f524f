"""Store test helpers: a port on 127.0.0.1 where nothing listens (a store that is down)."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def free_port() -> int:
    """A port nothing listens on: connecting is refused at once, as with a stopped server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
