"""A capture server for comparing our client's requests with the official client's."""

from __future__ import annotations

import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import attrs
import pytest

StartHttpServer = Callable[[type[BaseHTTPRequestHandler]], str]


@attrs.frozen
class Captured:
    method: str
    path: str
    query: str
    content_type: str | None
    body: bytes
    headers: dict[str, str]


class Capture:
    """An HTTP/1.1 server on 127.0.0.1 that records every request (``Content-Length`` or
    chunked bodies) and answers with the status the operation expects."""

    def __init__(self, start_server: StartHttpServer) -> None:
        self.requests: list[Captured] = []
        #: Statuses answered, in order, before the operation's own answer.
        self.failures: list[int] = []
        #: Seconds to wait before answering (to trip read timeouts).
        self.stall = 0.0
        capture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self) -> None:
                body = self._body()
                path, _, query = self.path.partition("?")
                capture.requests.append(
                    Captured(
                        self.command,
                        path,
                        query,
                        self.headers.get("Content-Type"),
                        body,
                        {k.lower(): v for k, v in self.headers.items()},
                    )
                )
                status, payload = _answer(self.command, path)
                if capture.failures:
                    status, payload = capture.failures.pop(0), b""
                if capture.stall:
                    time.sleep(capture.stall)
                # One request per connection: a client that sends more bytes than its
                # Content-Length (the official client with some str bodies) cannot make the
                # surplus be read as the next request.
                self.close_connection = True
                self.send_response(status)
                self.send_header("Connection", "close")
                self.send_header("Content-Length", str(len(payload)))
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.end_headers()
                if payload and self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.endpoint = start_server(Handler)

    def take(self) -> list[Captured]:
        taken, self.requests = self.requests, []
        return taken


def _answer(method: str, path: str) -> tuple[int, bytes]:
    if path.endswith("/:generateToken"):
        return 200, b'{"token": "from-service"}'
    if path.endswith("/connections") and method == "GET":
        return 200, b'{"value": [{"connectionId": "c1", "userId": "u1"}]}'
    if method == "POST" and path.endswith("/:send"):
        return 202, b""
    if method == "POST":
        return 204, b""
    if method == "DELETE":
        return 204, b""
    return 200, b""


@pytest.fixture
def capture(loopback_http_server: StartHttpServer) -> Capture:
    return Capture(loopback_http_server)
