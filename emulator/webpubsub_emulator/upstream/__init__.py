"""Upstream event handlers: the emulator calls an app's HTTP handler like the service does.

Settings come per hub (``settings``); requests are CloudEvents in HTTP binary mode
(``cloudevents``), sent with abuse protection and retries (``caller``); ``dispatch`` ties
them to client connections: ``connect`` holds the WebSocket handshake and may set the user,
groups, roles and subprotocol or refuse the client; ``connected`` / ``disconnected`` are
notifications; a JSON client's ``event`` / ``invoke`` messages and a raw client's frames are
user events whose answers go back to that client.
"""

from __future__ import annotations

from .dispatch import Upstream
from .settings import (
    EVENT_HANDLER_HELP,
    EventHandlersConfig,
    EventHandlerSettings,
    from_command_line,
    load_appsettings,
    normalize,
    parse_event_handler_option,
)

__all__ = [
    "EVENT_HANDLER_HELP",
    "EventHandlerSettings",
    "EventHandlersConfig",
    "Upstream",
    "from_command_line",
    "load_appsettings",
    "normalize",
    "parse_event_handler_option",
]
