"""Token security of the emulator: every forged, stale or misdirected token is refused, on the
REST API (401, nothing performed) and on the client WebSocket endpoint (handshake refused,
no connection created). A client token never authorises REST and a REST token never opens a
client connection."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

API_VERSION = DEFAULT_API_VERSION
WRONG_KEY = "not-the-emulator-key-but-long-enough-for-hs256"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_with_empty_key(claims: dict[str, Any]) -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(b"", f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def unsigned(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, None, algorithm="none")


def forged_tokens(key: str, good_aud: str, other_aud: str) -> dict[str, Callable[[], str]]:
    """Name -> token factory, for one endpoint (``good_aud`` is the right audience)."""
    now = int(time.time())
    fresh = {"aud": good_aud, "iat": now, "exp": now + 600}
    return {
        "wrong-key": lambda: jwt.encode(fresh, WRONG_KEY, algorithm="HS256"),
        "expired": lambda: jwt.encode({**fresh, "exp": now - 120}, key, algorithm="HS256"),
        "not-yet-valid": lambda: jwt.encode({**fresh, "nbf": now + 600}, key, algorithm="HS256"),
        "no-expiry": lambda: jwt.encode({"aud": good_aud}, key, algorithm="HS256"),
        "wrong-audience": lambda: jwt.encode({**fresh, "aud": other_aud}, key, algorithm="HS256"),
        "no-audience": lambda: jwt.encode({"exp": now + 600}, key, algorithm="HS256"),
        "alg-none": lambda: unsigned(fresh),
        "hs256-empty-key": lambda: hs256_with_empty_key(fresh),
        "garbage": lambda: "garbage",
        "three-garbage-parts": lambda: "a.b.c",
        "truncated-signature": lambda: jwt.encode(fresh, key, algorithm="HS256")[:-6],
    }


FORGERIES = list(forged_tokens("k", "a", "b"))


def rest_url(server: EmulatorServer, hub: str, path: str = "/:send") -> str:
    return f"{server.endpoint}/api/hubs/{hub}{path}?api-version={API_VERSION}"


def rest_token(server: EmulatorServer, url: str) -> str:
    return jwt.encode(
        {"aud": url, "exp": int(time.time()) + 60}, server.access_key, algorithm="HS256"
    )


def client_aud(server: EmulatorServer, hub: str) -> str:
    return f"{server.endpoint}/client/hubs/{hub}"


def client_url(server: EmulatorServer, hub: str, token: str) -> str:
    return f"{server.endpoint.replace('http://', 'ws://')}/client/hubs/{hub}?access_token={token}"


async def rest_send(url: str, authorization: str | None, text: str) -> httpx.Response:
    headers = {"content-type": "text/plain"}
    if authorization is not None:
        headers["authorization"] = authorization
    async with httpx.AsyncClient() as http:
        return await http.post(url, content=text, headers=headers)


@pytest.fixture
async def watcher(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> Any:
    """A JSON WebSocket client of the hub, to see whether a refused send did anything."""
    token = jwt.encode(
        {"aud": client_aud(webpubsub_emulator, webpubsub_hub), "exp": int(time.time()) + 600},
        webpubsub_emulator.access_key,
        algorithm="HS256",
    )
    ws = await websockets.connect(
        client_url(webpubsub_emulator, webpubsub_hub, token),
        subprotocols=["json.webpubsub.azure.v1"],
    )
    assert json.loads(await ws.recv())["event"] == "connected"
    yield ws
    await ws.close()


async def assert_next_data_is(ws: Any, expected: str) -> None:
    while True:
        message = json.loads(await ws.recv())
        if message.get("type") == "message":
            assert message["data"] == expected
            return


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_rest_refuses_forged_tokens_and_performs_nothing(
    forgery: str, webpubsub_emulator: EmulatorServer, webpubsub_hub: str, watcher: Any
) -> None:
    server, hub = webpubsub_emulator, webpubsub_hub
    url = rest_url(server, hub)
    other_hub_url = rest_url(server, hub + "x")
    token = forged_tokens(server.access_key, url, other_hub_url)[forgery]()

    refused = await rest_send(url, f"Bearer {token}", "must not arrive")

    assert refused.status_code == 401, refused.text
    assert refused.headers["x-ms-error-code"] == "Unauthorized"
    assert server.access_key not in refused.text
    marker = await rest_send(url, f"Bearer {rest_token(server, url)}", "marker")
    assert marker.status_code == 202
    await assert_next_data_is(watcher, "marker")


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer two words", "Basic dXNlcjpwYXNz", "token-without-scheme"],
    ids=["absent", "empty", "bearer-only", "bearer-two-words", "basic", "no-scheme"],
)
async def test_rest_refuses_missing_or_malformed_authorization(
    authorization: str | None, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    response = await rest_send(rest_url(webpubsub_emulator, webpubsub_hub), authorization, "x")
    assert response.status_code == 401


async def test_a_token_for_one_operation_does_not_authorise_another(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str, watcher: Any
) -> None:
    server, hub = webpubsub_emulator, webpubsub_hub
    send_url = rest_url(server, hub)
    token = rest_token(server, send_url)
    close_url = rest_url(server, hub, "/:closeConnections")
    async with httpx.AsyncClient() as http:
        response = await http.post(close_url, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert server.service.connection_ids(hub) != []  # the watcher is still connected


async def test_a_client_token_never_authorises_rest(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    server, hub = webpubsub_emulator, webpubsub_hub
    client_token = jwt.encode(
        {"aud": client_aud(server, hub), "exp": int(time.time()) + 600, "role": ["admin"]},
        server.access_key,
        algorithm="HS256",
    )
    for path in ("/:send", "/:closeConnections", "/users/u/groups/g"):
        method = "PUT" if path.startswith("/users") else "POST"
        async with httpx.AsyncClient() as http:
            response = await http.request(
                method,
                rest_url(server, hub, path),
                headers={"authorization": f"Bearer {client_token}", "content-type": "text/plain"},
                content="x",
            )
        assert response.status_code == 401, (path, response.text)


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_client_endpoint_refuses_forged_tokens(
    forgery: str, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    server, hub = webpubsub_emulator, webpubsub_hub
    token = forged_tokens(server.access_key, client_aud(server, hub), client_aud(server, "other"))[
        forgery
    ]()
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            client_url(server, hub, token), subprotocols=["json.webpubsub.azure.v1"]
        )
    assert refused.value.response.status_code == 401
    assert server.service.connection_ids(hub) == []


async def test_a_rest_token_never_opens_a_client_connection(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    server, hub = webpubsub_emulator, webpubsub_hub
    for aud in (rest_url(server, hub), f"{server.endpoint}/api/hubs/{hub}"):
        token = rest_token(server, aud)
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(client_url(server, hub, token))
        assert refused.value.response.status_code == 401
    assert server.service.connection_ids(hub) == []


async def test_a_client_token_for_another_hub_is_refused(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    server = webpubsub_emulator
    token = jwt.encode(
        {"aud": client_aud(server, "someotherhub"), "exp": int(time.time()) + 600},
        server.access_key,
        algorithm="HS256",
    )
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(client_url(server, webpubsub_hub, token))
    assert refused.value.response.status_code == 401
    assert server.service.connection_ids(webpubsub_hub) == []
