"""``webpubsub.events`` over plain HTTP: abuse protection, refusals and bad callbacks, as an
ASGI and as a WSGI app (requests signed here the way the service signs them)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from webpubsub.events import (
    ConnectRequest,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
    WebPubSubEventHandler,
)

KEY = "test-key"


def _headers(ce_type: str, content_type: str = "application/json", **extra: str) -> dict[str, str]:
    signature = "sha256=" + hmac.new(KEY.encode(), b"conn1", hashlib.sha256).hexdigest()
    return {
        "ce-specversion": "1.0",
        "ce-type": ce_type,
        "ce-hub": "chat",
        "ce-connectionId": "conn1",
        "ce-signature": signature,
        "WebHook-Request-Origin": "svc.example",
        "Content-Type": content_type,
        **extra,
    }


@pytest.fixture(params=["asgi", "wsgi"])
def serve(
    request: pytest.FixtureRequest, serve_asgi: Any, serve_wsgi: Any
) -> Callable[[WebPubSubEventHandler], httpx.Client]:
    opened: list[httpx.Client] = []

    def start(handler: WebPubSubEventHandler) -> httpx.Client:
        base = serve_asgi(handler.asgi) if request.param == "asgi" else serve_wsgi(handler.wsgi)
        client = httpx.Client(base_url=base, trust_env=False)
        opened.append(client)
        return client

    yield start  # type: ignore[misc]
    for client in opened:
        client.close()


def test_abuse_protection_answers(serve: Callable[[WebPubSubEventHandler], httpx.Client]) -> None:
    http = serve(
        WebPubSubEventHandler("chat", access_keys=[KEY], allowed_origins=["https://svc.example"])
    )
    allowed = http.options("/", headers={"WebHook-Request-Origin": "svc.example"})
    assert (allowed.status_code, allowed.headers["webhook-allowed-origin"]) == (200, "svc.example")
    refused = http.options("/", headers={"WebHook-Request-Origin": "other.example"})
    assert refused.status_code == 403 and "other.example" in refused.text
    assert "webhook-allowed-origin" not in refused.headers
    missing = http.options("/")
    assert missing.status_code == 400 and "WebHook-Request-Origin" in missing.text


def test_refusals_other_hubs_and_failing_callbacks(
    serve: Callable[[WebPubSubEventHandler], httpx.Client], caplog: pytest.LogCaptureFixture
) -> None:
    def on_connect(request: ConnectRequest) -> None:
        raise EventHandlerError(403, "banned")

    def on_user_event(request: UserEventRequest) -> UserEventResponse:
        raise RuntimeError("secret detail")

    http = serve(
        WebPubSubEventHandler(
            "chat",
            access_keys=[KEY],
            allowed_origins=["*"],
            on_connect=on_connect,
            on_user_event=on_user_event,
        )
    )
    refused = http.post("/", headers=_headers("azure.webpubsub.sys.connect"), content=b"{}")
    assert (refused.status_code, refused.text) == (403, "banned")
    with caplog.at_level(logging.ERROR, logger="webpubsub.events"):
        failed = http.post(
            "/", headers=_headers("azure.webpubsub.user.x", "text/plain"), content=b"d"
        )
    assert failed.status_code == 500
    assert "RuntimeError" in failed.text and "secret detail" not in failed.text
    other_hub = http.post(
        "/", headers=_headers("azure.webpubsub.sys.connected", **{"ce-hub": "news"})
    )
    assert other_hub.status_code == 404 and "news" in other_hub.text
    bad_state = http.post(
        "/",
        headers=_headers("azure.webpubsub.sys.connected", **{"ce-connectionState": "%%"}),
        content=b"{}",
    )
    assert bad_state.status_code == 400 and "ce-connectionState" in bad_state.text
    unknown_type = http.post("/", headers=_headers("azure.webpubsub.sys.reboot"), content=b"{}")
    assert unknown_type.status_code == 400 and "azure.webpubsub.sys.reboot" in unknown_type.text


def test_constructor_and_reply_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="access_keys"):
        WebPubSubEventHandler("chat", allowed_origins=["*"])
    with pytest.raises(ValueError, match="allowed_origins"):
        WebPubSubEventHandler("chat", access_keys=[KEY])
    with pytest.raises(ValueError, match="400-599"):
        EventHandlerError(200, "fine")
    with pytest.raises(TypeError, match="binary reply data must be bytes"):
        UserEventResponse("text", "binary")
    with pytest.raises(TypeError, match="not JSON-encodable"):
        UserEventResponse({1, 2})
    assert UserEventResponse(b"\x00").encode() == (b"\x00", "application/octet-stream")
    assert UserEventResponse("s", "json").encode() == (b'"s"', "application/json; charset=utf-8")


def test_the_handler_needs_nothing_beyond_the_sdk_dependencies() -> None:
    import subprocess
    import sys

    code = (
        "import sys, webpubsub.events\n"
        "loaded = [m for m in ('starlette', 'uvicorn', 'websockets', 'webpubsub_emulator')"
        " if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
