"""Every bad token is refused (401 / refused handshake) and changes nothing."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import API_VERSIONS, DEFAULT_API_VERSION

if TYPE_CHECKING:
    from tests.emulator.conftest import Clients, Rest

# HS512 tokens are signed only to check that they are refused.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")

WRONG_KEY = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmc="


def unsigned_token(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def rest_tokens(server: EmulatorServer, url: str, client_aud: str) -> dict[str, str]:
    """Bad REST tokens for a request to ``url``, by what is wrong with them."""
    now = time.time()
    key = server.access_key
    good = {"aud": url, "exp": now + 60}

    def encode(claims: dict[str, Any], signing_key: str = key, algorithm: str = "HS256") -> str:
        return jwt.encode(claims, signing_key.encode(), algorithm=algorithm)

    return {
        "garbage": "not-a-jwt",
        "wrong key": encode(good, WRONG_KEY),
        "expired": encode({"aud": url, "exp": now - 120}),
        "not yet valid": encode({**good, "nbf": now + 600}),
        "no exp": encode({"aud": url}),
        "wrong audience path": encode({**good, "aud": url.replace("/groups/", "/users/")}),
        "other hub": encode({**good, "aud": url.replace("/api/hubs/", "/api/hubs/x")}),
        "no audience": encode({"exp": now + 60}),
        "alg none": unsigned_token(good),
        "HS512": encode(good, algorithm="HS512"),
        "client token": encode({"aud": client_aud, "exp": now + 60}),
    }


async def test_bad_rest_tokens_get_401_with_error_body_and_change_nothing(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    client = await clients.connect("json")
    path = f"/groups/g/connections/{client.connection_id}"
    url = rest.url(path) + f"?api-version={DEFAULT_API_VERSION}"
    client_aud = f"{webpubsub_emulator.endpoint}/client/hubs/{rest.hub}"
    service = webpubsub_emulator.service

    for problem, token in rest_tokens(webpubsub_emulator, url, client_aud).items():
        response = await rest.call("PUT", path, token=token)
        assert response.status_code == 401, problem
        body = response.json()
        assert body["code"] == response.headers["x-ms-error-code"] == "Unauthorized", problem
        assert set(body) == {"code", "message", "target", "details", "inner"}
        assert service.groups_of(rest.hub, client.connection_id) == set(), problem

    assert (await rest.call("PUT", path, token="")).status_code == 401  # no header at all
    for header in ("Basic abc", "Bearer", "bearer-token"):
        request = rest.http.build_request("PUT", url, headers={"authorization": header})
        assert (await rest.http.send(request)).status_code == 401, header
    assert service.groups_of(rest.hub, client.connection_id) == set()

    # The same request with a good token works: the refusals above were about the token.
    assert (await rest.call("PUT", path)).status_code == 200
    assert service.groups_of(rest.hub, client.connection_id) == {"g"}


async def test_rejected_send_and_close_deliver_nothing(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    client = await clients.connect("json")
    wrong = rest_tokens(webpubsub_emulator, rest.url("/:send"), "")["wrong key"]
    assert (await rest.send_text("/:send", "secret", token=wrong)).status_code == 401
    close_path = f"/connections/{client.connection_id}"
    assert (await rest.call("DELETE", close_path, token=wrong)).status_code == 401
    await rest.send_text("/:send", "allowed")
    assert (await client.recv_json())["data"] == "allowed"
    assert client.connection_id in webpubsub_emulator.service.connection_ids(rest.hub)


async def test_audience_forms_the_official_sdk_and_proxies_produce_are_accepted(
    rest: Rest,
) -> None:
    url = rest.url("/users/someone") + f"?api-version={DEFAULT_API_VERSION}"

    def token(aud: str) -> str:
        return jwt.encode({"aud": aud, "exp": time.time() + 60}, rest.server.access_key.encode())

    without_query = url.split("?")[0]
    via_proxy = "https://apim.example.net" + url.split(rest.server.endpoint)[1]
    # Scheme, host and the /api/hubs/<hub> prefix are case-insensitive; the user id is not.
    caseless = url.replace("/users/", "/USERS/").split("/USERS/")[0].upper() + "/users/someone"
    for aud in (url, caseless, without_query, via_proxy):
        response = await rest.call("HEAD", "/users/someone", token=token(aud))
        assert response.status_code == 404, aud  # authorised; the user just does not exist
    other_query = without_query + f"?api-version={API_VERSIONS[0]}"
    assert (await rest.call("HEAD", "/users/someone", token=token(other_query))).status_code == 401


async def test_health_needs_no_token(rest: Rest) -> None:
    response = await rest.call("HEAD", "/api/health", token="", api_version=None, full_path=True)
    assert response.status_code == 200


def bad_client_tokens(clients: Clients, rest_url: str) -> dict[str, str]:
    now = time.time()
    key = clients.server.access_key
    aud = f"{clients.server.endpoint}/client/hubs/{clients.hub}"
    good = {"aud": aud, "exp": now + 60, "sub": "u"}
    return {
        "garbage": "garbage",
        "wrong key": clients.token(user="u", key=WRONG_KEY),
        "expired": clients.token(user="u", lifetime=-120),
        "not yet valid": clients.token(user="u", nbf=int(now) + 600),
        "other hub": clients.token(user="u", hub="otherhub"),
        "rest token": jwt.encode({"aud": rest_url, "exp": now + 60}, key.encode()),
        "alg none": unsigned_token(good),
        "HS512": jwt.encode(good, key.encode(), algorithm="HS512"),
        "bad role claim": clients.token(user="u", role=7),
    }


async def test_bad_client_tokens_refuse_the_handshake_with_401(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    tokens = bad_client_tokens(clients, rest.url("/:send"))
    for problem, token in tokens.items():
        with pytest.raises(websockets.InvalidStatus) as refused:
            await clients.open(clients.url(token), "json")
        assert refused.value.response.status_code == 401, problem
        assert webpubsub_emulator.service.connection_ids(clients.hub) == [], problem

    no_token = clients.url("x").split("?")[0]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await clients.open(no_token, "raw")
    assert refused.value.response.status_code == 401
    assert webpubsub_emulator.service.connection_ids(clients.hub) == []


async def test_client_token_in_authorization_header_and_https_audience_work(
    webpubsub_emulator: EmulatorServer, clients: Clients
) -> None:
    token = clients.token(user="header-user")
    url = clients.url("x").split("?")[0]
    ws = await clients.open(url, "json", additional_headers={"Authorization": f"Bearer {token}"})
    connected = json.loads(await ws.recv())
    assert connected["userId"] == "header-user"

    https_aud = f"{webpubsub_emulator.endpoint}/client/hubs/{clients.hub}".replace(
        "http://", "HTTPS://"
    ).upper()  # the whole path is the caseless /client/hubs/<hub> prefix
    ws2 = await clients.open(clients.url(clients.token(user="u2", aud=https_aud)), "json")
    assert json.loads(await ws2.recv())["userId"] == "u2"


async def test_unsupported_subprotocol_is_refused(clients: Clients) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(clients.url(clients.token()), subprotocols=["mqtt"])
    assert refused.value.response.status_code == 400
