"""Client WebSocket handshakes go straight to their endpoint: ``client_ws.ClientEndpoint``
for ``/client`` and ``mqtt.MqttEndpoint`` for ``/clients/mqtt``.

Every layer between the server and the endpoint stays suspended for the whole life of a
connection, and each costs memory per idle client (a coroutine frame, a scope copy, a
wrapper object). Starlette's exception middleware and router add nothing a WebSocket needs
(their handlers are for HTTP responses), so this middleware, inside the guards and the fault
injector, hands the client endpoint paths to the endpoints themselves and everything else
on. Skipping them also leaves the server's own ``send`` in the endpoint's hands (Starlette's
exception middleware wraps it), which the fan-out fast path (``direct_send``) needs.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import cast

from starlette.types import ASGIApp, Receive, Scope, Send

from . import client_ws
from .client_ws import ClientEndpoint
from .connection import AsgiSend
from .encoded_paths import client_endpoint_path, mqtt_endpoint_hub
from .mqtt import MqttEndpoint


class ClientSockets:
    """ASGI middleware: WebSocket scopes for ``/client/hubs/{hub}`` or ``/client/`` are
    served by ``endpoint``, those for ``/clients/mqtt/hubs/{hub}`` by ``mqtt_endpoint``;
    any other scope goes to ``app``."""

    def __init__(self, app: ASGIApp, endpoint: ClientEndpoint, mqtt_endpoint: MqttEndpoint) -> None:
        self.app = app
        self._endpoint = endpoint
        self._mqtt_endpoint = mqtt_endpoint

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Returns the awaitable of the endpoint it picks instead of awaiting it in a
        # coroutine of its own, which would stay suspended for the life of each socket.
        # Starlette's types are wider than what the server passes (dicts and coroutine
        # functions, as ASGI has them), which is what the endpoints are written for.
        if scope["type"] != "websocket":
            return self.app(scope, receive, send)
        if client_endpoint_path(scope) is not None:
            return self._endpoint(
                cast("client_ws.Scope", scope),
                cast("client_ws.Receive", receive),
                cast("AsgiSend", send),
            )
        hub = mqtt_endpoint_hub(scope)
        if hub is not None:
            # The endpoint reads the hub as the router would have passed it (still encoded).
            scope["path_params"] = {"hub": hub}
            return self._mqtt_endpoint(
                cast("client_ws.Scope", scope),
                cast("client_ws.Receive", receive),
                cast("AsgiSend", send),
            )
        return self.app(scope, receive, send)
