"""Local Web PubSub service (emulator) for offline development and tests.

It speaks the data-plane REST API (every api-version of the spec; a request without one is
served as the latest, and every response lists them in ``api-supported-versions``) and the
client WebSocket protocols (raw, ``json.webpubsub.azure.v1``,
``json.reliable.webpubsub.azure.v1``, ``protobuf.webpubsub.azure.v1``,
``protobuf.reliable.webpubsub.azure.v1``) on ``/client/hubs/{hub}`` and ``/client/?hub={hub}``,
checks tokens like the cloud service and refuses what it refuses.

Default access key (public, fixed, protects nothing)::

    ZW11bGF0b3ItbG9jYWwta2V5LW5vdC1hLXNlY3JldC0wMDAwMDAwMDAwMDA=

so the default connection string is
``Endpoint=http://127.0.0.1:8080;AccessKey=<that key>;Version=1.0;``.

Use ``EmulatorServer`` (background thread, ephemeral port) in tests, ``serve()`` to run
it in the foreground (``webpubsub emulator`` / ``python -m webpubsub_emulator``), or the
pytest fixtures ``webpubsub_emulator``, ``webpubsub_connection_string``, ``webpubsub_hub``
and ``fresh_webpubsub_emulator``.

Behaviour worth knowing:

* A reliable connection lost without a close frame keeps its id, groups, permissions and
  unacknowledged messages for ``RECONNECT_GRACE_SECONDS`` (60 s); any close frame (with or
  without a status code, e.g. the JS client's ``stop()``) ends it at once. A resume needs no
  access token; resuming a session that is gone is accepted and closed with 1008.
* ``messageTtlSeconds`` (0..300, 0 = never expires): a message not handed to a client's
  socket within its TTL (a slow reader, a reliable client that is away) is dropped.
* Roles: ``webpubsub.sendToGroup[.<group>]``, ``webpubsub.joinLeaveGroup[.<group>]`` and the
  wildcard forms ``webpubsub.sendToGroups.<pattern>`` / ``webpubsub.joinLeaveGroups.<pattern>``
  (``*`` within one dot-separated segment, ``**`` across segments, ``?`` one character).
  A raw client connected with ``webpubsub_mode=sendToGroup&group=<g>[&noEcho=true]``
  publishes its frames to ``<g>`` when its roles allow it.
* Client ``ackId`` values are uint64 (others get an ``InvalidRequest`` ack); the last 1,000
  per connection are remembered to answer a repeat with ``Duplicate``. A ``sendToGroup``
  without ``dataType`` is taken as ``json``.
* OData ``filter`` (REST sends and group operations): ``eq ne gt ge lt le``, ``and or not``,
  parentheses, ``'<group>' in groups``, ``userId in ('a', 'b')``, literals (quoted strings,
  integers, ``true``, ``false``, ``null``), fields ``userId``, ``connectionId``, ``groups``,
  and these functions (nesting capped at 64 levels; anything else is a 400 ``InvalidRequest``)::

      startswith(s, prefix)    boolean     tolower(s)             string
      endswith(s, suffix)      boolean     toupper(s)             string
      contains(s, part)        boolean     substring(s, n[, k])   string
      indexof(s, part)         integer     length(s)              integer
      length(groups)           integer (the connection's group count)
* Event handlers (upstream) per hub, as the service calls them: ``connect`` (may refuse the
  client or set its user, groups, roles, subprotocol), ``connected``, ``disconnected`` and
  user events (JSON ``event`` / ``invoke`` messages, raw frames), as CloudEvents with
  ``ce-signature``, abuse protection and retries. Configure them with
  ``EmulatorServer(event_handlers={"chat": "http://127.0.0.1:3000/eventhandler"})``,
  ``server.set_event_handlers(hub, ...)``, or ``webpubsub emulator --config appsettings.json``
  / ``--event-handler 'chat=URL'`` (see ``webpubsub_emulator.upstream``). Without one, a
  client's ``event`` is acknowledged and dropped. A reliable connection that expires without
  its client coming back gets no ``disconnected`` event.
* Acks to JSON-protocol clients leave about 20 ms after the request is handled: the official
  Python client 1.1.0 misses an ack that arrives before it starts waiting for it.
* Data messages on the reliable protocol carry ``sequenceId``; acks, pongs and system
  messages do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .keys import DEFAULT_ACCESS_KEY

if TYPE_CHECKING:
    from .app import create_app
    from .server import EmulatorServer, serve
    from .state import RECONNECT_GRACE_SECONDS, Service

# The server pieces need the ``webpubsub[emulator]`` extra (starlette, uvicorn, websockets).
# They load on first use, so importing this package, and so its pytest plugin, never fails
# in a project that installed webpubsub without that extra.
_LAZY = {
    "create_app": ".app",
    "EmulatorServer": ".server",
    "serve": ".server",
    "RECONNECT_GRACE_SECONDS": ".state",
    "Service": ".state",
}

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "RECONNECT_GRACE_SECONDS",
    "EmulatorServer",
    "Service",
    "create_app",
    "serve",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._extra import import_emulator_module

    return getattr(import_emulator_module(module_name), name)
