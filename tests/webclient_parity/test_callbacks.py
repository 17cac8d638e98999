"""Every callback type fires with the same argument objects on both libraries: one scenario
(connect, group and server messages, the service closing the connection, a reconnect whose
group rejoin is refused, close) run on each, and the kinds, classes, attributes and key
values the callbacks received must agree."""

from __future__ import annotations

import queue
import threading
from typing import Any

from azure.messaging.webpubsubservice import WebPubSubServiceClient

from .conftest import OFFICIAL, OURS, START_TIMEOUT, WAIT, load_package

Seen = dict[str, tuple[str, frozenset[str]]]


def _shape(args: Any) -> tuple[str, frozenset[str]]:
    """(class name, public data attributes) of a callback argument (``None`` for STOPPED)."""
    if args is None:
        return ("None", frozenset())
    names = {n for n in dir(args) if not n.startswith("_") and not callable(getattr(args, n))}
    return (type(args).__name__, frozenset(names))


def _scenario(name: str, service: WebPubSubServiceClient) -> tuple[Seen, dict[str, Any]]:
    package = load_package(name)
    models = package.models
    calls = [0]

    def url() -> str:
        # The second connection may not join groups, so the automatic rejoin is refused.
        calls[0] += 1
        roles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"] if calls[0] == 1 else []
        return str(service.get_client_access_token(user_id="cb", roles=roles)["url"])

    client = package.sync.WebPubSubClient(
        package.sync.WebPubSubClientCredential(url),
        protocol_type=models.WebPubSubProtocolType.JSON,
        reconnect_retry_total=1,
        start_timeout=START_TIMEOUT,
    )
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    for kind in models.CallbackType:
        if kind == models.CallbackType.STOPPED:
            client.subscribe(kind, lambda kind=kind: events.put((kind.value, None)))
        else:
            client.subscribe(kind, lambda args, kind=kind: events.put((kind.value, args)))
    seen: Seen = {}
    values: dict[str, Any] = {}

    def wait_for(kind: str) -> Any:
        while True:
            got, args = events.get(timeout=WAIT)
            seen.setdefault(got, _shape(args))
            if got == kind:
                return args

    client.open()
    first = wait_for("connected")
    values["connected"] = (first.user_id, bool(first.connection_id))
    client.join_group("g")
    client.send_to_group("g", {"k": 1}, models.WebPubSubDataType.JSON)
    group = wait_for("group-message")
    values["group"] = (group.group, group.data, group.from_user_id, group.sequence_id)
    service.send_to_user("cb", "to you", content_type="text/plain")
    server = wait_for("server-message")
    values["server"] = (server.data, server.sequence_id)
    service.close_connection(first.connection_id, reason="bye")
    disconnected = wait_for("disconnected")
    values["disconnected"] = (
        disconnected.connection_id == first.connection_id,
        disconnected.message,
    )
    rejoin = wait_for("rejoin-group-failed")
    values["rejoin"] = (rejoin.group, type(rejoin.error).__name__)
    closing = threading.Thread(target=client.close)
    closing.start()
    wait_for("stopped")
    closing.join(WAIT)
    return seen, values


def test_callbacks_get_the_same_argument_objects(service: WebPubSubServiceClient) -> None:
    official_seen, official_values = _scenario(OFFICIAL, service)
    ours_seen, ours_values = _scenario(OURS, service)
    assert set(official_seen) == {
        "connected",
        "disconnected",
        "stopped",
        "server-message",
        "group-message",
        "rejoin-group-failed",
    }
    assert ours_seen == official_seen
    assert ours_values == official_values
