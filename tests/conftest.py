"""Fixtures shared by every test package."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

#: ``start(handler_class) -> "http://127.0.0.1:PORT"``
StartHttpServer = Callable[[type[BaseHTTPRequestHandler]], str]


def _quiet(self: BaseHTTPRequestHandler, format: str, *args: Any) -> None:
    """Keep test output free of one access-log line per request."""


@pytest.fixture
def loopback_http_server() -> Iterator[StartHttpServer]:
    """Start stdlib HTTP servers on 127.0.0.1 (ephemeral ports), each in its own thread,
    answering with the given handler class; all are shut down at teardown."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler: type[BaseHTTPRequestHandler]) -> str:
        quiet = type(handler.__name__, (handler,), {"log_message": _quiet})
        server = ThreadingHTTPServer(("127.0.0.1", 0), quiet)
        servers.append(server)
        # A short poll interval keeps shutdown() quick at teardown.
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
