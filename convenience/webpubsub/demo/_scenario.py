"""The demo itself: real clients, every SDK feature, and a check for each observable effect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import jwt

from webpubsub._narrowing import is_json_object
from webpubsub.aio import WebPubSubServiceClient
from webpubsub.demo._client import DemoClient
from webpubsub.demo._expect import Expected, all_match, seen_through, show
from webpubsub.demo._messages import Message
from webpubsub.demo._mqtt_client import DemoMqttClient, show_publish
from webpubsub.demo._report import Check
from webpubsub.demo._upstream import DemoUpstream, serve_handler
from webpubsub.events import UserEventRequest, UserEventResponse, WebPubSubEventHandler
from webpubsub.models import Permission

TIMEOUT = 5.0  # seconds to wait for anything the service should do; only failures wait this long
BARRIER = "demo-barrier-"
LOBBY = "lobby"
VIP = "vip"
RAW_HOME = "demo-raw-home"  # lets the demo find the raw client's connection id by listing it


class ScenarioAborted(Exception):
    """A step failed in a way that makes the following steps meaningless."""


class Scenario:
    """Runs the steps in order, appending one :class:`Check` per observation to ``checks``."""

    def __init__(
        self, service: WebPubSubServiceClient, hub: str, upstream: DemoUpstream | None = None
    ) -> None:
        self.service = service
        self.hub = hub
        self.upstream = upstream
        self.checks: list[Check] = []
        self.alice = DemoClient("alice", "json")  # starts without any role
        self.bob = DemoClient("bob", "raw")
        self.carol = DemoClient("carol", "reliable")
        self.dave = DemoClient("dave", "json")  # joins the lobby through his token
        self.clients = [self.alice, self.bob, self.carol, self.dave]
        self._step = ""
        self._barriers = 0

    def _check(self, subject: str, expected: object, received: object) -> None:
        passed = expected == received
        self.checks.append(Check(self._step, subject, str(expected), str(received), passed))

    def _begin(self, number: int, title: str) -> None:
        self._step = f"{number:2d}. {title}"

    async def run(self) -> None:
        """Every step; stops early (with a failed check) when the clients cannot connect."""
        try:
            await self._tokens_and_connect()
            await self._send_to_all()
            await self._groups()
            await self._user_and_connection()
            await self._permissions()
            await self._list_and_close()
            if self.upstream is not None:
                await self._event_handler(self.upstream)
            await self._mqtt_client(17 if self.upstream is not None else 16)
        except ScenarioAborted as exc:
            self._check("scenario", "all steps run", f"aborted: {exc}")
        finally:
            for client in self.clients:
                await client.close()

    # -- steps -----------------------------------------------------------------------------

    async def _tokens_and_connect(self) -> None:
        self._begin(1, "mint client access tokens (signed locally)")
        roles = ["webpubsub.joinLeaveGroup.lobby"]
        token = await self.service.get_client_access_token(
            user_id="dave", roles=roles, groups=[LOBBY], minutes_to_expire=30
        )
        # PyJWT types decode()'s key with the key classes of its optional cryptography
        # dependency, which is not installed, so pyright sees that parameter as unknown.
        claims = jwt.decode(token["token"], options={"verify_signature": False})  # pyright: ignore[reportUnknownMemberType]
        self._check("claim sub", "dave", claims.get("sub"))
        self._check("claim role", roles, claims.get("role"))
        self._check("claim webpubsub.group", [LOBBY], claims.get("webpubsub.group"))
        self._check("lifetime (exp - iat)", "1800 s", f"{claims['exp'] - claims['iat']} s")
        base_url = token["baseUrl"]
        scheme, _, rest = base_url.partition("://")
        self._check(
            "baseUrl",
            f"ws(s)://HOST/client/hubs/{self.hub}",
            f"{'ws(s)' if scheme in ('ws', 'wss') else scheme}://HOST/{rest.partition('/')[2]}",
        )
        self._check(
            "url",
            "baseUrl?access_token=token",
            "baseUrl?access_token=token"
            if token["url"] == f"{base_url}?access_token={token['token']}"
            else "something else",
        )

        self._begin(2, "connect raw, json and reliable clients")
        # A real service keeps user-group memberships across runs; start from none.
        for client in self.clients:
            await self.service.remove_user_from_all_groups(client.user_id)
        urls = {
            self.alice: await self._client_url("alice"),
            self.bob: await self._client_url("bob", groups=[RAW_HOME]),
            self.carol: await self._client_url("carol"),
            self.dave: token["url"],
        }
        for client, url in urls.items():
            try:
                await client.connect(url, TIMEOUT)
            except Exception as exc:  # any failure to connect is reported, not raised
                self._check(client.label, "connected", f"failed: {exc}")
                raise ScenarioAborted(f"{client.label} could not connect") from None
            if client.protocol == "raw":
                self._check(client.label, "WebSocket open", "WebSocket open")
            else:
                user = client.user_id if client.connection_id else "(no connected event)"
                self._check(client.label, f"connected as {client.user_id}", f"connected as {user}")
        members = [m async for m in self.service.list_connections(group=RAW_HOME)]
        self._check(
            f"list_connections({RAW_HOME})",
            "bob",
            ", ".join(m.user_id or "(anonymous)" for m in members) or "-",
        )
        if len(members) != 1:
            raise ScenarioAborted("cannot find the raw client's connection id")
        self.bob.connection_id = members[0].connection_id

    async def _send_to_all(self) -> None:
        everyone = self.clients
        text = Expected("text", "hello, everyone")
        self._begin(3, "send_to_all text  [POST /api/hubs/{hub}/:send]")
        await self._deliver(
            lambda: self.service.send_to_all("hello, everyone", content_type="text/plain"),
            {c: [text] for c in everyone},
        )
        data = {"kind": "json", "n": 1}
        self._begin(4, "send_to_all JSON  [POST /api/hubs/{hub}/:send]")
        await self._deliver(
            lambda: self.service.send_to_all(data, content_type="application/json"),
            {c: [Expected("json", data)] for c in everyone},
        )
        blob = bytes([0, 1, 2, 255])
        self._begin(5, "send_to_all binary  [POST /api/hubs/{hub}/:send]")
        await self._deliver(
            lambda: self.service.send_to_all(blob, content_type="application/octet-stream"),
            {c: [Expected("binary", blob)] for c in everyone},
        )

    async def _groups(self) -> None:
        bob_id = self._id(self.bob)
        self._begin(6, "add_connection_to_group(lobby, bob) + send_to_group(lobby)")

        async def add_bob_and_send() -> None:
            await self.service.add_connection_to_group(LOBBY, bob_id)
            await self.service.send_to_group(LOBBY, "lobby news", content_type="text/plain")

        news = Expected("text", "lobby news")
        await self._deliver(add_bob_and_send, {self.bob: [news], self.dave: [news]})

        self._begin(7, "add_user_to_group(vip, carol) + send_to_group(vip, JSON)")
        welcome = {"vip": True}

        async def add_carol_and_send() -> None:
            await self.service.add_user_to_group(VIP, "carol")
            await self.service.send_to_group(VIP, welcome, content_type="application/json")

        await self._deliver(add_carol_and_send, {self.carol: [Expected("json", welcome)]})

        self._begin(8, "remove_user_from_group + remove_connection_from_group, resend")

        async def remove_and_resend() -> None:
            await self.service.remove_user_from_group(VIP, "carol")
            await self.service.remove_connection_from_group(LOBBY, bob_id)
            await self.service.send_to_group(VIP, "vip again", content_type="text/plain")
            await self.service.send_to_group(LOBBY, "lobby again", content_type="text/plain")

        await self._deliver(remove_and_resend, {self.dave: [Expected("text", "lobby again")]})

    async def _user_and_connection(self) -> None:
        self._begin(9, "send_to_user(alice)  [POST .../users/{userId}/:send]")
        await self._deliver(
            lambda: self.service.send_to_user("alice", "just for alice", content_type="text/plain"),
            {self.alice: [Expected("text", "just for alice")]},
        )
        carol_id = self._id(self.carol)
        blob = b"\xca\xfe"
        self._begin(10, "send_to_connection(carol) binary  [POST .../connections/{id}/:send]")
        await self._deliver(
            lambda: self.service.send_to_connection(
                carol_id, blob, content_type="application/octet-stream"
            ),
            {self.carol: [Expected("binary", blob)]},
        )

    async def _permissions(self) -> None:
        alice_id = self._id(self.alice)
        permission: Permission = "sendToGroup"
        self._begin(11, "alice has no role: her sendToGroup(lobby) is refused")
        await self._alice_sends("alice #1", allowed=False)
        has = await self.service.has_permission(permission, alice_id, target_name=LOBBY)
        self._check("has_permission(sendToGroup, lobby)", False, has)

        self._begin(12, "grant_permission(sendToGroup, alice, lobby), she sends again")
        await self.service.grant_permission(permission, alice_id, target_name=LOBBY)
        has = await self.service.has_permission(permission, alice_id, target_name=LOBBY)
        self._check("has_permission(sendToGroup, lobby)", True, has)
        await self._alice_sends("alice #2", allowed=True)

        self._begin(13, "revoke_permission(sendToGroup, alice, lobby), she is refused")
        await self.service.revoke_permission(permission, alice_id, target_name=LOBBY)
        has = await self.service.has_permission(permission, alice_id, target_name=LOBBY)
        self._check("has_permission(sendToGroup, lobby)", False, has)
        await self._alice_sends("alice #3", allowed=False)

    async def _alice_sends(self, text: str, *, allowed: bool) -> None:
        ack = None

        async def send() -> None:
            nonlocal ack
            ack = await self.alice.send_to_group(LOBBY, text, TIMEOUT)

        from_alice = Expected("text", text, group=LOBBY, from_user_id="alice")
        await self._deliver(send, {self.dave: [from_alice]} if allowed else {})
        self._check(
            "alice's ack",
            "success" if allowed else "Forbidden",
            "no ack" if ack is None else "success" if ack.success else ack.error_name,
        )

    async def _list_and_close(self) -> None:
        self._begin(14, "list_connections(lobby)  [GET .../groups/{group}/connections]")
        members = [m async for m in self.service.list_connections(group=LOBBY)]
        self._check(
            "members of lobby",
            f"dave {self.dave.connection_id}",
            ", ".join(f"{m.user_id} {m.connection_id}" for m in members) or "-",
        )

        self._begin(15, "close_connection(dave, reason)  [DELETE .../connections/{id}]")
        dave_id = self._id(self.dave)
        reason = "the demo is over"
        await self.service.close_connection(dave_id, reason=reason)
        await self.dave.wait_until(lambda: self.dave.closed, TIMEOUT)
        self._check(
            self.dave.label,
            f"closed: {reason}",
            f"closed: {self.dave.close_reason}" if self.dave.closed else "still open",
        )
        exists = await self.service.connection_exists(dave_id)
        self._check("connection_exists(dave)", False, exists)
        others = [c for c in self.clients if c is not self.dave]
        self._check("other clients", "still open", _open_state(others))

    async def _event_handler(self, upstream: DemoUpstream) -> None:
        self._begin(16, "alice's event 'ask' answered by a Python handler (webpubsub.events)")
        seen: list[str] = []

        def on_user_event(request: UserEventRequest) -> UserEventResponse:
            seen.append(f"{request.context.event_name} from {request.context.user_id}")
            question = request.data if is_json_object(request.data) else {}
            return UserEventResponse({"answer": sum(question.get("add", []))})

        handler = WebPubSubEventHandler(
            self.hub, connection_string=upstream.connection_string, on_user_event=on_user_event
        )
        ack = None

        async def ask() -> None:
            nonlocal ack
            ack = await self.alice.send_event("ask", {"add": [2, 2]}, TIMEOUT)

        async with serve_handler(handler) as base_url:
            upstream.point_to(base_url + "/eventhandler")
            await self._deliver(ask, {self.alice: [Expected("json", {"answer": 4})]})
        self._check("handler received", "ask from alice", ", ".join(seen) or "-")
        self._check(
            "alice's ack",
            "success",
            "no ack" if ack is None else "success" if ack.success else ack.error_name,
        )

    async def _mqtt_client(self, number: int) -> None:
        self._begin(number, "an MQTT 5.0 client subscribed to lobby + send_to_group(lobby)")
        erin = DemoMqttClient("erin")
        token = await self.service.get_client_access_token(
            user_id="erin", groups=[LOBBY], client_protocol="MQTT"
        )
        try:
            code = await erin.connect(token["url"], TIMEOUT)
            self._check(erin.label, "CONNACK 0", f"CONNACK {code}")
            await self.service.send_to_group(LOBBY, "news for mqtt", content_type="text/plain")
            await erin.wait_until(lambda: bool(erin.messages) or erin.closed, TIMEOUT)
            got = [show_publish(m) for m in erin.messages]
            self._check(erin.label, "text 'news for mqtt' on lobby", ", ".join(got) or "-")
        except Exception as exc:  # any failure to connect is reported, not raised
            self._check(erin.label, "connected", f"failed: {exc}")
        finally:
            await erin.close()

    # -- helpers ---------------------------------------------------------------------------

    async def _client_url(self, user_id: str, groups: list[str] | None = None) -> str:
        token = await self.service.get_client_access_token(user_id=user_id, groups=groups)
        url: str = token["url"]
        return url

    def _id(self, client: DemoClient) -> str:
        if client.connection_id is None:
            raise ScenarioAborted(f"{client.label} has no connection id")
        return client.connection_id

    async def _deliver(
        self, action: Callable[[], Awaitable[None]], expected: dict[DemoClient, list[Expected]]
    ) -> None:
        """Run ``action``, then check every open client got exactly its expected messages.

        After the expected messages arrive (or the timeout passes) a barrier message is sent
        to all and awaited: the service keeps each connection's messages in order, so what a
        client received before the barrier is everything this step delivered to it. That
        makes "received nothing" a real observation rather than a sleep.
        """
        clients = [c for c in self.clients if not c.closed]
        start = {c: len(c.messages) for c in clients}
        await action()
        for client in clients:
            want = len(expected.get(client, []))
            await client.wait_until(partial(_has_new, client, start[client], want), TIMEOUT)
        self._barriers += 1
        barrier = f"{BARRIER}{self._barriers}"
        await self.service.send_to_all(barrier, content_type="text/plain")
        for client in clients:
            await client.wait_until(partial(_has_barrier, client, barrier), TIMEOUT)
        for client in clients:
            got = [m for m in client.messages[start[client] :] if not _is_barrier(m)]
            want_messages = [seen_through(e, client.protocol) for e in expected.get(client, [])]
            passed = all_match(want_messages, got)
            self.checks.append(
                Check(self._step, client.label, show(want_messages), show(got), passed)
            )


def _is_barrier(message: Message) -> bool:
    return isinstance(message.data, str) and message.data.startswith(BARRIER)


def _has_new(client: DemoClient, start: int, count: int) -> bool:
    return len(client.messages) - start >= count


def _has_barrier(client: DemoClient, barrier: str) -> bool:
    return client.closed or any(m.data == barrier for m in reversed(client.messages))


def _open_state(clients: list[DemoClient]) -> str:
    closed = [c.user_id for c in clients if c.closed]
    return f"closed: {', '.join(closed)}" if closed else "still open"
