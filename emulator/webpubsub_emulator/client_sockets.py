"""Client WebSocket handshakes go straight to ``client_ws.ClientEndpoint``.

Every layer between the server and the endpoint stays suspended for the whole life of a
connection, and each costs memory per idle client (a coroutine frame, a scope copy, a
wrapper object). Starlette's exception middleware and router add nothing a WebSocket needs
(their handlers are for HTTP responses), so this middleware, inside the guards and the fault
injector, hands the client endpoint paths to the endpoint itself and everything else on.
"""

from __future__ import annotations

from typing import cast

from starlette.types import ASGIApp, Receive, Scope, Send

from . import client_ws
from .client_ws import ClientEndpoint
from .connection import AsgiSend
from .encoded_paths import client_endpoint_path


class ClientSockets:
    """ASGI middleware: WebSocket scopes for ``/client/hubs/{hub}`` or ``/client/`` are
    served by ``endpoint``; any other scope goes to ``app``."""

    def __init__(self, app: ASGIApp, endpoint: ClientEndpoint) -> None:
        self.app = app
        self._endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and client_endpoint_path(scope) is not None:
            # Starlette's types are wider than what the server passes (dicts and coroutine
            # functions, as ASGI has them), which is what the endpoint is written for.
            await self._endpoint(
                cast("client_ws.Scope", scope),
                cast("client_ws.Receive", receive),
                cast("AsgiSend", send),
            )
        else:
            await self.app(scope, receive, send)
