"""The generated send_to_all builds the exact HTTP request the service expects.

A small capture server on 127.0.0.1 records what arrives on the wire.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

import pytest
from webpubsub_rest.api.service import send_to_all
from webpubsub_rest.client import Client
from webpubsub_rest.models import JsonMessage, TextMessage
from webpubsub_rest.spec_facts import API_VERSIONS, DEFAULT_API_VERSION
from webpubsub_rest.types import File


@dataclass
class Captured:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class CaptureServer:
    """Answers every request with `status` (and `reply` as body) and records it."""

    base_url: str
    requests: list[Captured] = field(default_factory=list)
    status: int = 202
    reply: bytes = b""


def make_handler(server_state: CaptureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _capture(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            split = urlsplit(self.path)
            server_state.requests.append(
                Captured(
                    method=self.command,
                    path=split.path,
                    query=parse_qsl(split.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            self.send_response(server_state.status)
            self.send_header("Content-Length", str(len(server_state.reply)))
            self.end_headers()
            self.wfile.write(server_state.reply)

        do_POST = _capture

    return Handler


@pytest.fixture
def capture(
    loopback_http_server: Callable[[type[BaseHTTPRequestHandler]], str],
) -> CaptureServer:
    state = CaptureServer(base_url="")
    state.base_url = loopback_http_server(make_handler(state))
    return state


TEXT = "héllo, wörld ✓\nline two"
JSON_VALUE = {"greeting": "héllo", "items": [1, 2.5, None, True], "nested": {"ok": False}}
BINARY = bytes(range(256))


@pytest.mark.parametrize(
    ("body", "expected_body", "expected_type"),
    [
        pytest.param(TextMessage(payload=TEXT), TEXT.encode("utf-8"), "text/plain", id="text"),
        pytest.param(
            JsonMessage(payload=json.dumps(JSON_VALUE)),
            json.dumps(JSON_VALUE).encode("utf-8"),
            "application/json",
            id="json",
        ),
        pytest.param(
            File(payload=io.BytesIO(BINARY)), BINARY, "application/octet-stream", id="binary"
        ),
    ],
)
def test_send_to_all_puts_route_query_body_and_content_type_on_the_wire(
    capture: CaptureServer,
    body: TextMessage | JsonMessage | File,
    expected_body: bytes,
    expected_type: str,
) -> None:
    with Client(base_url=capture.base_url) as client:
        response = send_to_all.sync_detailed(
            "chat_hub",
            client=client,
            body=body,
            api_version=DEFAULT_API_VERSION,
            excluded=["conn-1", "conn 2"],
            filter_="userId ne 'bob'",
            message_ttl_seconds=30,
        )

    assert response.status_code == 202
    [request] = capture.requests
    assert request.method == "POST"
    assert request.path == "/api/hubs/chat_hub/:send"
    assert sorted(request.query) == sorted(
        [
            ("api-version", DEFAULT_API_VERSION),
            ("excluded", "conn-1"),
            ("excluded", "conn 2"),
            ("filter", "userId ne 'bob'"),
            ("messageTtlSeconds", "30"),
        ]
    )
    # Repeated values keep the caller's order.
    assert [v for k, v in request.query if k == "excluded"] == ["conn-1", "conn 2"]
    assert request.headers["content-type"] == expected_type
    assert request.headers["content-length"] == str(len(expected_body))
    assert request.body == expected_body


def test_send_to_all_omits_optional_query_parameters(capture: CaptureServer) -> None:
    with Client(base_url=capture.base_url) as client:
        send_to_all.sync_detailed(
            "hub", client=client, body=TextMessage(payload="x"), api_version=API_VERSIONS[0]
        )

    [request] = capture.requests
    assert request.query == [("api-version", API_VERSIONS[0])]


def test_hub_names_with_punctuation_are_percent_encoded_in_the_path(capture: CaptureServer) -> None:
    with Client(base_url=capture.base_url) as client:
        send_to_all.sync_detailed(
            "hub`,.[x]",
            client=client,
            body=TextMessage(payload="x"),
            api_version=DEFAULT_API_VERSION,
        )

    [request] = capture.requests
    assert request.path == "/api/hubs/hub%60%2C.%5Bx%5D/:send"


async def test_async_variant_sends_the_same_request(capture: CaptureServer) -> None:
    with Client(base_url=capture.base_url) as client:
        response = await send_to_all.asyncio_detailed(
            "hub",
            client=client,
            body=JsonMessage(payload="[1,2]"),
            api_version=DEFAULT_API_VERSION,
            excluded=["a", "b"],
        )

    assert response.status_code == 202
    [request] = capture.requests
    assert (request.method, request.path) == ("POST", "/api/hubs/hub/:send")
    assert request.query == [
        ("api-version", DEFAULT_API_VERSION),
        ("excluded", "a"),
        ("excluded", "b"),
    ]
    assert (request.headers["content-type"], request.body) == ("application/json", b"[1,2]")


@pytest.mark.parametrize(
    "reply",
    [b"", b"<html>gateway</html>", b'{"code":"Forbidden","message":"no"}'],
    ids=["empty", "html", "json"],
)
def test_error_answers_reach_the_caller_unparsed_without_crashing(
    capture: CaptureServer, reply: bytes
) -> None:
    capture.status = 403
    capture.reply = reply
    with Client(base_url=capture.base_url) as client:
        response = send_to_all.sync_detailed(
            "hub", client=client, body=TextMessage(payload="x"), api_version=DEFAULT_API_VERSION
        )

    assert response.status_code == 403
    assert response.content == reply
    assert response.parsed is None
