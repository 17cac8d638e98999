"""Configuration and input errors raise before anything is sent, with messages naming the
bad value; the access key never leaks into reprs, errors or logs; credentials of every kind
authenticate as they should."""

from __future__ import annotations

import asyncio
import logging
import time
import types
from typing import Any

import httpx
import jwt
import pytest
import webpubsub
import webpubsub.aio
import websockets
from webpubsub import _operations
from webpubsub_emulator import auth as emulator_auth
from webpubsub_emulator.server import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

SECRET = "sup3r-secret-access-key-value-0123456789"


@pytest.mark.parametrize(
    ("connection_string", "complaint"),
    [
        (f"Endpoint=http://127.0.0.1:1;AccessKey={SECRET};Version=1.0;junk", "segment 4"),
        (f"AccessKey={SECRET};Version=1.0;", "Endpoint"),
        ("Endpoint=http://127.0.0.1:1;Version=1.0;", "AccessKey"),
        (f"Endpoint=http://127.0.0.1:1;AccessKey={SECRET};Port=http", "Port=http"),
        (f"Endpoint=http://127.0.0.1:1;AccessKey={SECRET};Port=70000", "1..65535"),
        (f"Endpoint=ftp://127.0.0.1;AccessKey={SECRET}", "http:// or https://"),
    ],
)
@pytest.mark.parametrize(
    "cls", [webpubsub.WebPubSubServiceClient, webpubsub.aio.WebPubSubServiceClient]
)
def test_malformed_connection_strings_are_refused_without_leaking_the_key(
    cls: Any, connection_string: str, complaint: str
) -> None:
    with pytest.raises(webpubsub.InvalidArgumentError) as caught:
        cls.from_connection_string(connection_string, "hub")
    assert complaint in str(caught.value)
    assert SECRET not in str(caught.value)


def test_connection_string_keys_are_case_insensitive_and_port_applies() -> None:
    client = webpubsub.WebPubSubServiceClient.from_connection_string(
        f"endpoint=http://127.0.0.1/;ACCESSKEY={SECRET};version=1.0;port=8081", "hub"
    )
    assert client.endpoint == "http://127.0.0.1:8081"
    explicit = webpubsub.WebPubSubServiceClient.from_connection_string(
        f"Endpoint=http://127.0.0.1;AccessKey={SECRET};Port=8081", "hub", port=9090
    )
    assert explicit.endpoint == "http://127.0.0.1:9090"


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"hub": "1starts_with_digit"}, "hub '1starts_with_digit'"),
        ({"hub": "has-dash"}, "must match"),
        ({"hub": "h" * 129}, "up to 127"),
        ({"endpoint": "localhost:8080"}, "endpoint 'localhost:8080'"),
        ({"port": 0}, "port 0"),
        ({"retry_total": -1}, "retry_total -1"),
        ({"timeout": 0}, "timeout 0"),
    ],
)
def test_bad_constructor_arguments_are_refused(arguments: dict[str, Any], complaint: str) -> None:
    base: dict[str, Any] = {
        "endpoint": "http://127.0.0.1:1",
        "hub": "hub",
        "credential": webpubsub.AzureKeyCredential(SECRET),
    }
    with pytest.raises(webpubsub.InvalidArgumentError, match=complaint.replace("*", r"\*")):
        webpubsub.WebPubSubServiceClient(**{**base, **arguments})


def test_unusable_credential_is_refused() -> None:
    with pytest.raises(webpubsub.InvalidArgumentTypeError, match="credential of type object"):
        webpubsub.WebPubSubServiceClient("http://127.0.0.1:1", "hub", object())


def test_reprs_never_show_the_key() -> None:
    credential = webpubsub.AzureKeyCredential(SECRET)
    client = webpubsub.WebPubSubServiceClient("http://127.0.0.1:1", "hub", credential)
    aclient = webpubsub.aio.WebPubSubServiceClient("http://127.0.0.1:1", "hub", credential)
    for text in (repr(credential), repr(client), repr(aclient), repr(client._core)):
        assert SECRET not in text
        assert "redacted" in text


CALLS_THAT_MUST_NOT_SEND: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
    ("send_to_group", ("", "x"), {}, "group '' is invalid"),
    ("send_to_group", ("g" * 1025, "x"), {}, "1..1024"),
    ("send_to_group", ("   ", "x"), {}, "not only whitespace"),
    ("send_to_user", ("", "x"), {}, "user_id must not be empty"),
    ("send_to_connection", ("", "x"), {}, "connection_id must not be empty"),
    ("send_to_all", ("x",), {"content_type": "text/html"}, "content_type 'text/html'"),
    ("send_to_all", ({1, 2},), {}, "not JSON-serialisable"),
    ("send_to_all", (None,), {}, "must not be None"),
    ("send_to_all", ([1, 2],), {"content_type": "text/plain"}, "cannot be sent as"),
    ("send_to_all", ("x",), {"message_ttl_seconds": 301}, "0..300"),
    ("send_to_all", ("x",), {"message_ttl_seconds": -1}, "0..300"),
    ("send_to_all", ("x",), {"excluded": "c1"}, "excluded must be a list of str"),
    ("close_all_connections", (), {"excluded": [1]}, "must be a str"),
    ("grant_permission", ("admin", "c1"), {}, "permission 'admin'"),
    ("has_permission", ("sendToGroup", ""), {}, "connection_id must not be empty"),
    ("add_connections_to_groups", ([], "userId eq 'a'"), {}, "at least one group"),
    ("add_connections_to_groups", ("g1", "userId eq 'a'"), {}, "groups must be a list"),
    ("remove_connections_from_groups", (["g"], ""), {}, "filter must not be empty"),
    ("list_connections", (), {"group": "g", "maxpagesize": 201}, "1..200"),
    ("list_connections", (), {"group": "g", "top": 0}, "top 0"),
    ("get_client_access_token", (), {"minutes_to_expire": 0}, "minutes_to_expire 0"),
    ("get_client_access_token", (), {"client_protocol": "ws"}, "client_protocol 'ws'"),
    ("get_client_access_token", (), {"roles": 5}, "roles must be a list"),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "complaint"),
    CALLS_THAT_MUST_NOT_SEND,
    ids=[f"{c[0]}-{c[3][:20]}" for c in CALLS_THAT_MUST_NOT_SEND],
)
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_bad_arguments_raise_before_sending(
    kind: str, name: str, args: Any, kwargs: Any, complaint: str, recorder: Any
) -> None:
    cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    client = cls(recorder.endpoint, "hub", webpubsub.AzureKeyCredential(SECRET))
    with pytest.raises(
        (webpubsub.InvalidArgumentError, webpubsub.InvalidArgumentTypeError)
    ) as caught:
        result = getattr(client, name)(*args, **kwargs)
        if kind == "async" and name != "list_connections":
            await result
    assert complaint in str(caught.value)
    assert recorder.requests == []
    if kind == "sync":
        client.close()
    else:
        await client.close()


def test_logs_name_each_request_without_secrets(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        webpubsub.WebPubSubServiceClient.from_connection_string(
            webpubsub_emulator.connection_string, webpubsub_hub, logging_enable=True
        ) as client,
        caplog.at_level(logging.DEBUG, logger="webpubsub"),
    ):
        client.send_to_all("logged")
        client.user_exists("nobody")
    lines = [r.getMessage() for r in caplog.records if r.name == "webpubsub"]
    assert any(
        line.startswith(f"POST {webpubsub_emulator.endpoint}/api/hubs/{webpubsub_hub}/:send")
        and "-> 202" in line
        for line in lines
    )
    assert any(line.startswith("HEAD ") and "-> 404" in line for line in lines)
    assert any("'authorization': '<redacted>'" in line for line in lines)
    assert webpubsub_emulator.access_key not in caplog.text
    assert "Bearer ey" not in caplog.text


def test_rotated_key_is_used_at_once(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    credential = webpubsub.AzureKeyCredential(webpubsub_emulator.access_key)
    with webpubsub.WebPubSubServiceClient(
        webpubsub_emulator.endpoint, webpubsub_hub, credential
    ) as client:
        assert client.user_exists("u") is False
        credential.update("a-rotated-key-the-emulator-does-not-know")
        with pytest.raises(webpubsub.ClientAuthenticationError) as caught:
            client.user_exists("u")
        assert caught.value.status_code == 401
        assert caught.value.error_code is not None
        assert caught.value.message.startswith("HEAD ")
        assert "a-rotated-key-the-emulator-does-not-know" not in str(caught.value)
        credential.update(webpubsub_emulator.access_key)
        assert client.user_exists("u") is False


def test_azure_core_key_credential_is_accepted(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    from azure.core.credentials import AzureKeyCredential as AzureCoreKeyCredential

    credential = AzureCoreKeyCredential(webpubsub_emulator.access_key)
    with webpubsub.WebPubSubServiceClient(
        webpubsub_emulator.endpoint, webpubsub_hub, credential
    ) as client:
        assert client.group_exists("g") is False
        token = client.get_client_access_token(user_id="u")
    claims = jwt.decode(
        token["token"],
        webpubsub_emulator.access_key,
        algorithms=["HS256"],
        options={"verify_aud": False},
    )
    assert claims["sub"] == "u"


class _EntraCredential:
    """Stands in for azure.identity: no real Entra ID can exist on loopback."""

    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.scopes.append(scopes)
        return types.SimpleNamespace(token="entra-token", expires_on=int(time.time()) + 3600)


class _AsyncEntraCredential(_EntraCredential):
    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().get_token(*scopes, **kwargs)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_entra_credential_authenticates_and_tokens_come_from_the_service(
    kind: str, recorder: Any
) -> None:
    if kind == "sync":
        credential: _EntraCredential = _EntraCredential()
        client: Any = webpubsub.WebPubSubServiceClient(recorder.endpoint, "hub", credential)
        first = client.get_client_access_token(user_id="u", roles=["r1", "r2"], groups=["g"])
        client.send_to_all("x")
        client.close()
    else:
        credential = _AsyncEntraCredential()
        client = webpubsub.aio.WebPubSubServiceClient(recorder.endpoint, "hub", credential)
        first = await client.get_client_access_token(user_id="u", roles=["r1", "r2"], groups=["g"])
        await client.send_to_all("x")
        await client.close()

    assert credential.scopes == [("https://webpubsub.azure.com/.default",)]  # fetched once
    assert first["token"] == "from-service"
    ws_base = "ws" + recorder.endpoint.removeprefix("http")
    assert first["url"] == f"{ws_base}/client/hubs/hub?access_token=from-service"
    generate, send = recorder.requests
    assert (generate.method, generate.path) == ("POST", "/api/hubs/hub/:generateToken")
    assert sorted(httpx.QueryParams(generate.query).multi_items()) == sorted(
        [
            ("api-version", DEFAULT_API_VERSION),
            ("userId", "u"),
            ("role", "r1"),
            ("role", "r2"),
            ("group", "g"),
            ("minutesToExpire", "60"),
            ("clientType", "Default"),
        ]
    )
    assert generate.authorization == send.authorization == "Bearer entra-token"


def test_sync_client_refuses_an_async_credential(recorder: Any) -> None:
    client = webpubsub.WebPubSubServiceClient(recorder.endpoint, "hub", _AsyncEntraCredential())
    with pytest.raises(webpubsub.InvalidArgumentTypeError, match=r"webpubsub\.aio"):
        client.send_to_all("x")
    assert recorder.requests == []


def test_reverse_proxy_receives_requests_signed_for_the_origin(recorder: Any) -> None:
    origin = "http://127.0.0.1:9"  # never contacted
    with webpubsub.WebPubSubServiceClient(
        origin,
        "hub",
        webpubsub.AzureKeyCredential(SECRET),
        reverse_proxy_endpoint=recorder.endpoint,
    ) as client:
        client.send_to_user("u", "x")
    (request,) = recorder.requests
    claims = jwt.decode(
        request.authorization.removeprefix("Bearer "),
        SECRET,
        algorithms=["HS256"],
        audience=None,
        options={"verify_aud": False},
    )
    assert claims["aud"] == f"{origin}{request.path}?{request.query}"
    assert request.host == recorder.endpoint.removeprefix("http://")


async def test_send_request_is_authenticated_and_returns_any_status(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, webpubsub_hub
    ) as client:
        missing = await client.send_request(
            webpubsub.HttpRequest(
                "HEAD",
                f"/api/hubs/{webpubsub_hub}/users/nobody",
                params={"api-version": DEFAULT_API_VERSION},
            )
        )
        sent = await client.send_request(
            httpx.Request(
                "POST",
                f"/api/hubs/{webpubsub_hub}/:send?api-version={DEFAULT_API_VERSION}",
                content=b"raw",
                headers={"Content-Type": "text/plain"},
            )
        )
    assert (missing.status_code, sent.status_code) == (404, 202)


async def test_client_token_stops_working_once_expired(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sign with a clock running 58 s behind so a 1-minute token expires 2 s from now, and
    # make the emulator tolerate no clock skew; then the same URL must be refused.
    real_time = time.time
    monkeypatch.setattr(_operations, "time", types.SimpleNamespace(time=lambda: real_time() - 58))
    monkeypatch.setattr(emulator_auth, "LEEWAY_SECONDS", 0)
    client = webpubsub.WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, webpubsub_hub
    )
    token = client.get_client_access_token(user_id="short-lived", minutes_to_expire=1)
    expires = jwt.decode(token["token"], options={"verify_signature": False})["exp"]

    async with websockets.connect(token["url"], subprotocols=["json.webpubsub.azure.v1"]) as ws:
        assert '"userId":"short-lived"' in (await ws.recv()).replace(" ", "")

    await asyncio.sleep(max(0.0, expires - real_time()) + 1.1)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(token["url"], subprotocols=["json.webpubsub.azure.v1"])
    assert refused.value.response.status_code == 401
    client.close()
