"""Route on the path exactly as the client encoded it.

Names may hold URL-reserved characters: a group ``a/b`` travels as ``a%2Fb`` and a user
``..`` as ``%2E%2E``. Routing on the decoded path would split ``a/b`` into two segments (and
send ``a/connections`` to the wrong operation), so this middleware hands the router the raw
path; handlers then percent-decode each path parameter on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

from . import validation

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


class RouteOnEncodedPath:
    """ASGI middleware: ``scope["path"]`` becomes the still-encoded request path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        raw_path = scope.get("raw_path")
        if scope["type"] in ("http", "websocket") and raw_path:
            scope = dict(scope)
            scope["path"] = raw_path.decode("latin-1")
        await self.app(scope, receive, send)


CLIENT_HUB_PATH_PREFIX = "/client/hubs/"
_CLIENT_QUERY_HUB_PATH = "/client/"


def client_endpoint_path(scope: Scope) -> str | None:
    """The still-encoded path of a client endpoint (``/client/hubs/{hub}``, one non-empty
    segment after the prefix, or ``/client/``), None for any other path."""
    raw_path = scope.get("raw_path")
    path: str = raw_path.decode("latin-1") if raw_path else scope["path"]
    if path == _CLIENT_QUERY_HUB_PATH:
        return path
    if path.startswith(CLIENT_HUB_PATH_PREFIX):
        hub = path.removeprefix(CLIENT_HUB_PATH_PREFIX)
        return path if hub and "/" not in hub else None
    return None


MQTT_HUB_PATH_PREFIX = "/clients/mqtt/hubs/"


def mqtt_endpoint_hub(scope: Scope) -> str | None:
    """The still-encoded hub segment of an MQTT endpoint path (``/clients/mqtt/hubs/{hub}``,
    one non-empty segment after the prefix), None for any other path."""
    raw_path = scope.get("raw_path")
    path: str = raw_path.decode("latin-1") if raw_path else scope["path"]
    if not path.startswith(MQTT_HUB_PATH_PREFIX):
        return None
    hub = path.removeprefix(MQTT_HUB_PATH_PREFIX)
    return hub if hub and "/" not in hub else None


def path_param(params: dict[str, Any], name: str) -> str:
    """The decoded value of one path parameter, checked against its name rule.

    Raises ServiceError (400) when a hub or group name is invalid or any value is empty.
    """
    value = unquote(str(params[name]))
    if name == "hub":
        return validation.hub_name(value)
    if name == "group":
        return validation.group_name(value)
    return validation.identifier(value, name)
