"""Our ``webpubsub.events`` handler as the emulator's upstream, over real HTTP and WebSockets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from webpubsub.events import (
    ConnectedRequest,
    ConnectRequest,
    ConnectResponse,
    DisconnectedRequest,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
    WebPubSubEventHandler,
)
from webpubsub_emulator import EmulatorServer
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .conftest import WAIT, AsgiApp, Clients, Events, receive_json, receive_until

OTHER_KEY = "b3RoZXIta2V5LW5vdC10aGUtZW11bGF0b3Itb25lLTAwMDAwMDAwMDAwMDAw"


def recording_handler(
    events: Events, connection_string: str, **overrides: Any
) -> WebPubSubEventHandler:
    """A handler for any hub that records every callback; ``overrides`` replace callbacks or
    add constructor arguments."""

    def on_connect(request: ConnectRequest) -> ConnectResponse | None:
        events.record("connect", request)
        return None

    def on_connected(request: ConnectedRequest) -> None:
        events.record("connected", request)

    def on_disconnected(request: DisconnectedRequest) -> None:
        events.record("disconnected", request)

    async def on_user_event(request: UserEventRequest) -> UserEventResponse | None:
        events.record("user", request)
        return UserEventResponse(request.data, request.data_type)

    options: dict[str, Any] = {
        "connection_string": connection_string,
        "on_connect": on_connect,
        "on_connected": on_connected,
        "on_disconnected": on_disconnected,
        "on_user_event": on_user_event,
    }
    options.update(overrides)
    return WebPubSubEventHandler(None, **options)


def upstream(
    server: EmulatorServer, hub: str, serve_asgi: Callable[[AsgiApp], str], app: AsgiApp
) -> str:
    url = serve_asgi(app) + "/eventhandler/{event}"
    server.set_event_handlers(hub, url)
    return url


def test_connect_sets_user_groups_and_roles(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    def on_connect(request: ConnectRequest) -> ConnectResponse:
        events.record("connect", request)
        return ConnectResponse(
            user_id="ann", groups=["g1", "g2"], roles=["webpubsub.sendToGroup.g1"]
        )

    handler = recording_handler(events, webpubsub_emulator.connection_string, on_connect=on_connect)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open(clients.url(user_id="token-user") + "&room=blue")
    welcome = receive_json(client)
    assert welcome["event"] == "connected"
    assert welcome["userId"] == "ann"
    request: ConnectRequest = events.next("connect")
    assert request.claims["sub"] == ["token-user"]
    assert request.query["room"] == ["blue"]
    assert request.subprotocols == ["json.webpubsub.azure.v1"]
    assert request.context.hub == clients.hub.lower()
    assert request.context.user_id == "token-user"
    connection_id = welcome["connectionId"]
    assert request.context.connection_id == connection_id
    service = webpubsub_emulator.service
    assert service.connection_user(clients.hub, connection_id) == "ann"
    assert service.groups_of(clients.hub, connection_id) == {"g1", "g2"}
    assert "webpubsub.sendToGroup.g1" in service.permissions_of(clients.hub, connection_id)
    # The user can now use the role the handler gave: send to g1, which it is in.
    client.send(
        json.dumps(
            {"type": "sendToGroup", "group": "g1", "dataType": "text", "data": "hi", "ackId": 1}
        )
    )
    echoed = receive_until(client, "message")
    assert (echoed["group"], echoed["fromUserId"], echoed["data"]) == ("g1", "ann", "hi")


@pytest.mark.parametrize("status", [401, 403, 500])
def test_connect_refused_fails_the_handshake_with_that_status(
    webpubsub_emulator: EmulatorServer,
    clients: Clients,
    events: Events,
    serve_asgi: Any,
    status: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 5xx is retried; keep that short here (the retry test covers it).
    monkeypatch.setattr(webpubsub_emulator.upstream.caller, "retry_budget_seconds", 0.5)

    def on_connect(request: ConnectRequest) -> None:
        raise EventHandlerError(status, "not today")

    handler = recording_handler(events, webpubsub_emulator.connection_string, on_connect=on_connect)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    with pytest.raises(InvalidStatus) as refused:
        clients.open()
    assert refused.value.response.status_code == status
    assert b"not today" in refused.value.response.body
    assert webpubsub_emulator.service.connection_ids(clients.hub) == []
    assert events.empty_after(0.3)  # no connected / disconnected for a refused client


def test_connected_and_disconnected_with_reason(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open(clients.url(user_id="bob"))
    connection_id = receive_json(client)["connectionId"]
    assert events.next().context.event_name == "connect"
    connected: ConnectedRequest = events.next()
    assert isinstance(connected, ConnectedRequest)
    assert (connected.context.connection_id, connected.context.user_id) == (connection_id, "bob")
    clients.service.close_connection(connection_id, reason="kicked by test")
    disconnected: DisconnectedRequest = events.next()
    assert isinstance(disconnected, DisconnectedRequest)
    assert disconnected.context.connection_id == connection_id
    assert disconnected.reason == "kicked by test"


def test_client_close_sends_disconnected(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open()
    connection_id = receive_json(client)["connectionId"]
    client.close()
    disconnected: DisconnectedRequest = events.next("disconnected")
    assert disconnected.context.connection_id == connection_id


@pytest.mark.parametrize(
    ("data_type", "data", "expected"),
    [
        ("text", "hello", "hello"),
        ("json", {"n": [1, 2], "s": "ü"}, {"n": [1, 2], "s": "ü"}),
        ("binary", base64.b64encode(b"\x00\xffbin").decode(), b"\x00\xffbin"),
    ],
)
def test_user_event_reply_reaches_the_client_before_the_ack(
    webpubsub_emulator: EmulatorServer,
    clients: Clients,
    events: Events,
    serve_asgi: Any,
    data_type: str,
    data: Any,
    expected: Any,
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open()
    receive_json(client)
    client.send(
        json.dumps(
            {"type": "event", "event": "echo", "dataType": data_type, "data": data, "ackId": 7}
        )
    )
    reply = receive_json(client)
    assert reply["type"] == "message"
    assert (reply["from"], reply["dataType"], reply["data"]) == ("server", data_type, data)
    ack = receive_json(client)
    assert ack == {"type": "ack", "ackId": 7, "success": True}
    request: UserEventRequest = events.next("user")
    assert (request.context.event_name, request.data_type, request.data) == (
        "echo",
        data_type,
        expected,
    )


def test_raw_client_frames_are_the_message_event(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open(protocol=None)
    client.send("raw text")
    assert client.recv(WAIT) == "raw text"
    client.send(b"\x01\x02")
    assert client.recv(WAIT) == b"\x01\x02"
    first: UserEventRequest = events.next("user")
    second: UserEventRequest = events.next("user")
    assert (first.context.event_name, first.data_type, first.data) == (
        "message",
        "text",
        "raw text",
    )
    assert (second.data_type, second.data) == ("binary", b"\x01\x02")


def test_failing_handler_gives_an_error_ack_and_closes_a_raw_client(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    def on_user_event(request: UserEventRequest) -> None:
        raise EventHandlerError(400, "bad event")

    handler = recording_handler(
        events, webpubsub_emulator.connection_string, on_user_event=on_user_event
    )
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open()
    receive_json(client)
    client.send(
        json.dumps({"type": "event", "event": "x", "dataType": "text", "data": "d", "ackId": 3})
    )
    ack = receive_until(client, "ack")
    assert ack["success"] is False
    assert ack["error"]["name"] == "InternalServerError"
    assert "400" in ack["error"]["message"]
    raw = clients.open(protocol=None)
    raw.send("frame")
    with pytest.raises(ConnectionClosed):
        raw.recv(WAIT)
    assert raw.close_code == 1008


def test_connection_state_is_carried_between_events(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    def on_connect(request: ConnectRequest) -> None:
        request.context.set_state("room", "blue")
        request.context.set_state("count", 0)

    def on_user_event(request: UserEventRequest) -> UserEventResponse:
        count = request.context.states["count"] + 1
        request.context.set_state("count", count)
        return UserEventResponse({"room": request.context.states["room"], "count": count})

    handler = recording_handler(
        events,
        webpubsub_emulator.connection_string,
        on_connect=on_connect,
        on_user_event=on_user_event,
    )
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open()
    receive_json(client)
    for expected in (1, 2, 3):
        client.send(json.dumps({"type": "event", "event": "count", "dataType": "text", "data": ""}))
        assert receive_until(client, "message")["data"] == {"room": "blue", "count": expected}
    client.close()
    disconnected: DisconnectedRequest = events.next("disconnected")
    assert disconnected.context.states == {"room": "blue", "count": 3}


def test_invoke_gets_the_handler_answer(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    upstream(webpubsub_emulator, clients.hub, serve_asgi, handler.asgi)
    client = clients.open()
    receive_json(client)
    client.send(
        json.dumps(
            {
                "type": "invoke",
                "invocationId": "inv-1",
                "target": "event",
                "event": "ask",
                "dataType": "json",
                "data": {"q": 1},
            }
        )
    )
    answer = receive_until(client, "invokeResponse")
    assert answer == {
        "type": "invokeResponse",
        "invocationId": "inv-1",
        "success": True,
        "dataType": "json",
        "data": {"q": 1},
    }


# -- signatures ---------------------------------------------------------------------------


def test_wrong_key_is_refused_and_secondary_key_accepted(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    origin = webpubsub_emulator.endpoint
    wrong = recording_handler(events, None, access_keys=[OTHER_KEY], allowed_origins=[origin])
    upstream(webpubsub_emulator, clients.hub, serve_asgi, wrong.asgi)
    with pytest.raises(InvalidStatus) as refused:
        clients.open()
    assert refused.value.response.status_code == 401
    assert events.empty_after(0.2)

    secondary = recording_handler(
        events,
        None,
        access_keys=[OTHER_KEY, webpubsub_emulator.access_key],
        allowed_origins=[origin],
    )
    upstream(webpubsub_emulator, clients.hub, serve_asgi, secondary.asgi)
    client = clients.open()
    assert receive_json(client)["event"] == "connected"
    assert isinstance(events.next("connect"), ConnectRequest)


def _cloud_event(connection_id: str, signature: str | None, **extra: str) -> dict[str, str]:
    headers = {
        "ce-specversion": "1.0",
        "ce-type": "azure.webpubsub.user.ping",
        "ce-hub": "hub1",
        "ce-connectionId": connection_id,
        "ce-eventName": "ping",
        "WebHook-Request-Origin": "127.0.0.1",
        "Content-Type": "text/plain",
    }
    if signature is not None:
        headers["ce-signature"] = signature
    headers.update(extra)
    return headers


@pytest.mark.parametrize("wsgi", [False, True], ids=["asgi", "wsgi"])
def test_signature_missing_wrong_or_malformed_requests(
    events: Events, serve_asgi: Any, serve_wsgi: Any, wsgi: bool
) -> None:
    key = "primary-key"
    handler = recording_handler(events, None, access_keys=[key], allowed_origins=["*"])
    base = serve_wsgi(handler.wsgi) if wsgi else serve_asgi(handler.asgi)
    good = "sha256=" + hmac.new(key.encode(), b"c1", hashlib.sha256).hexdigest()
    with httpx.Client(base_url=base, trust_env=False) as http:
        assert http.post("/", headers=_cloud_event("c1", None), content=b"x").status_code == 401
        assert (
            http.post("/", headers=_cloud_event("c1", "sha256=00"), content=b"x").status_code == 401
        )
        # Several signatures (primary, secondary): one matching is enough.
        answer = http.post("/", headers=_cloud_event("c1", "sha256=00," + good), content=b"hi")
        assert (answer.status_code, answer.text) == (200, "hi")
        assert answer.headers["content-type"].startswith("text/plain")
        missing = _cloud_event("c1", good)
        del missing["ce-type"]
        bad = http.post("/", headers=missing, content=b"x")
        assert bad.status_code == 400 and "ce-type" in bad.text
        not_json = http.post(
            "/",
            headers=_cloud_event("c1", good, **{"Content-Type": "application/json"}),
            content=b"{",
        )
        assert not_json.status_code == 400 and "not JSON" in not_json.text
        assert http.get("/").status_code == 405


# -- abuse protection ---------------------------------------------------------------------


class CountingApp:
    """ASGI wrapper that counts requests by method and can fail the first POSTs."""

    def __init__(self, app: AsgiApp, fail_posts: int = 0, fail_status: int = 503) -> None:
        self.app = app
        self.counts: dict[str, int] = {}
        self.fail_posts = fail_posts
        self.fail_status = fail_status

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        self.counts[method] = self.counts.get(method, 0) + 1
        if method == "POST" and self.fail_posts > 0:
            self.fail_posts -= 1
            await send({"type": "http.response.start", "status": self.fail_status, "headers": []})
            await send({"type": "http.response.body", "body": b"busy"})
            return
        await self.app(scope, receive, send)


def test_abuse_protection_allowed_once_per_url(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    counting = CountingApp(handler.asgi)
    base = serve_asgi(counting)
    webpubsub_emulator.set_event_handlers(clients.hub, base + "/eventhandler")
    client = clients.open()
    receive_json(client)
    for ack_id in (1, 2):
        client.send(
            json.dumps(
                {"type": "event", "event": "e", "dataType": "text", "data": "x", "ackId": ack_id}
            )
        )
        assert receive_until(client, "ack")["success"] is True
    assert counting.counts["OPTIONS"] == 1
    assert counting.counts["POST"] == 4  # connect, connected, two user events


def test_abuse_protection_refused_origin_sends_no_event(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(
        events,
        None,
        access_keys=[webpubsub_emulator.access_key],
        allowed_origins=["elsewhere.example"],
    )
    counting = CountingApp(handler.asgi)
    webpubsub_emulator.set_event_handlers(
        clients.hub, serve_asgi(counting) + "/eventhandler;user=*"
    )
    with pytest.raises(InvalidStatus) as refused:
        clients.open()
    assert refused.value.response.status_code == 500
    assert b"abuse protection" in refused.value.response.body
    assert counting.counts.get("OPTIONS", 0) >= 1
    assert "POST" not in counting.counts
    assert events.empty_after(0.2)


def test_retries_on_5xx_then_succeeds(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    counting = CountingApp(handler.asgi, fail_posts=2)
    webpubsub_emulator.set_event_handlers(clients.hub, serve_asgi(counting) + "/eventhandler")
    client = clients.open(clients.url(user_id="retried"))
    assert receive_json(client)["userId"] == "retried"
    assert counting.counts["POST"] >= 3  # two 503s, then the connect that went through
    assert isinstance(events.next("connect"), ConnectRequest)


def test_4xx_other_than_408_is_not_retried(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_asgi: Any
) -> None:
    handler = recording_handler(events, webpubsub_emulator.connection_string)
    counting = CountingApp(handler.asgi, fail_posts=1, fail_status=404)
    webpubsub_emulator.set_event_handlers(clients.hub, serve_asgi(counting) + "/eventhandler")
    with pytest.raises(InvalidStatus) as refused:
        clients.open()
    assert refused.value.response.status_code == 404
    assert counting.counts["POST"] == 1


def test_wsgi_handler_as_upstream(
    webpubsub_emulator: EmulatorServer, clients: Clients, events: Events, serve_wsgi: Any
) -> None:
    async def on_connect(request: ConnectRequest) -> ConnectResponse:  # async under WSGI too
        return ConnectResponse(user_id="wsgi-user", groups=["w"])

    handler = recording_handler(events, webpubsub_emulator.connection_string, on_connect=on_connect)
    webpubsub_emulator.set_event_handlers(clients.hub, serve_wsgi(handler.wsgi) + "/eventhandler")
    client = clients.open()
    welcome = receive_json(client)
    assert welcome["userId"] == "wsgi-user"
    client.send(
        json.dumps(
            {"type": "event", "event": "e", "dataType": "binary", "data": "AAE=", "ackId": 1}
        )
    )
    reply = receive_until(client, "message")
    assert (reply["dataType"], reply["data"]) == ("binary", "AAE=")


class RecordingApp:
    """A bare ASGI upstream that records each request's method, path, headers and body."""

    def __init__(self) -> None:
        self.requests: queue.Queue[tuple[str, str, dict[str, str], bytes]] = queue.Queue()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.put((scope["method"], scope["path"], headers, body))
        if scope["method"] == "OPTIONS":
            allowed = [(b"webhook-allowed-origin", b"*")]
            await send({"type": "http.response.start", "status": 200, "headers": allowed})
        else:
            await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def next_post(self) -> tuple[str, dict[str, str], bytes]:
        while True:
            method, path, headers, body = self.requests.get(timeout=WAIT)
            if method == "POST":
                return path, headers, body


def test_cloudevents_headers_and_bodies_as_the_service_sends_them(
    webpubsub_emulator_factory: Callable[..., EmulatorServer],
    webpubsub_hub: str,
    serve_asgi: Any,
) -> None:
    recorder = RecordingApp()
    base = serve_asgi(recorder)
    server = webpubsub_emulator_factory(
        event_handlers={webpubsub_hub: base + "/hubs/{hub}/{event}"}
    )
    clients = Clients(server, webpubsub_hub)
    try:
        url = clients.url(user_id="ann", roles=["webpubsub.joinLeaveGroup"]) + "&x=1"
        client = clients.open(url)
        connection_id = receive_json(client)["connectionId"]
        method, path, headers, _ = recorder.requests.get(timeout=WAIT)
        assert method == "OPTIONS"
        assert headers["webhook-request-origin"] == f"127.0.0.1:{server.port}"
        path, headers, body = recorder.next_post()
        hub = webpubsub_hub.lower()
        assert path == f"/hubs/{hub}/connect"
        expected_signature = (
            "sha256="
            + hmac.new(
                server.access_key.encode(), connection_id.encode(), hashlib.sha256
            ).hexdigest()
        )
        assert {k: v for k, v in headers.items() if k not in ("ce-id", "ce-time")} == {
            "host": base.removeprefix("http://"),
            "ce-specversion": "1.0",
            "ce-type": "azure.webpubsub.sys.connect",
            "ce-source": f"/hubs/{hub}/client/{connection_id}",
            "ce-awpsversion": "1.0",
            "ce-hub": hub,
            "ce-connectionid": connection_id,
            "ce-eventname": "connect",
            "ce-userid": "ann",
            "ce-subprotocol": "json.webpubsub.azure.v1",
            "ce-signature": expected_signature,
            "webhook-request-origin": f"127.0.0.1:{server.port}",
            "content-type": "application/json",
            "content-length": str(len(body)),
            **{
                k: headers[k]
                for k in headers
                if k in ("accept", "accept-encoding", "connection", "user-agent")
            },
        }
        assert headers["ce-time"].endswith("Z") and headers["ce-id"]
        connect = json.loads(body)
        assert connect["claims"]["sub"] == ["ann"]
        assert connect["claims"]["role"] == ["webpubsub.joinLeaveGroup"]
        assert connect["query"]["x"] == ["1"]
        assert connect["subprotocols"] == ["json.webpubsub.azure.v1"]
        assert connect["clientCertificates"] == []
        assert "sec-websocket-protocol" in connect["headers"]
        path, headers, body = recorder.next_post()
        assert (path, headers["ce-type"], body) == (
            f"/hubs/{hub}/connected",
            "azure.webpubsub.sys.connected",
            b"{}",
        )
        for data_type, data, content_type, raw in [
            ("text", "t", "text/plain; charset=utf-8", b"t"),
            ("json", [1], "application/json", b"[1]"),
            ("binary", "AAE=", "application/octet-stream", b"\x00\x01"),
        ]:
            client.send(
                json.dumps(
                    {"type": "event", "event": "my-event", "dataType": data_type, "data": data}
                )
            )
            path, headers, body = recorder.next_post()
            assert path == f"/hubs/{hub}/my-event"
            assert headers["ce-type"] == "azure.webpubsub.user.my-event"
            assert (headers["content-type"], body) == (content_type, raw)
        client.close()
        path, headers, body = recorder.next_post()
        assert headers["ce-type"] == "azure.webpubsub.sys.disconnected"
    finally:
        clients.close()
