"""Event handlers: answer the events Azure Web PubSub (or the local emulator) sends your app.

The service calls your app over HTTP (CloudEvents in binary mode) when a client connects
(``connect``, which may refuse it or set its user, groups, roles and subprotocol), once it is
connected (``connected``), when it goes away (``disconnected``) and for every user event a
client sends (a JSON client's ``event`` / ``invoke`` message, a raw client's frame, event
name ``message``). ``WebPubSubEventHandler`` turns those requests into typed objects, calls
your callbacks and answers the service.

Example (ASGI, e.g. under uvicorn; mount ``handler.asgi`` in Starlette or FastAPI)::

    from webpubsub.events import (
        ConnectRequest, ConnectResponse, EventHandlerError, UserEventRequest,
        UserEventResponse, WebPubSubEventHandler,
    )

    def on_connect(request: ConnectRequest) -> ConnectResponse:
        name = request.query.get("name", [""])[0]
        if not name:
            raise EventHandlerError(401, "add ?name=... to the URL")
        request.context.set_state("joined", "lobby")
        return ConnectResponse(user_id=name, groups=["lobby"])

    async def on_user_event(request: UserEventRequest) -> UserEventResponse:
        room = request.context.states.get("joined")
        return UserEventResponse({"echo": request.data, "room": room})

    handler = WebPubSubEventHandler(
        "chat",
        connection_string=CONNECTION_STRING,  # checks ce-signature, allows its host as origin
        on_connect=on_connect,
        on_user_event=on_user_event,
    )
    app = handler.asgi           # ASGI 3 app; ``handler.wsgi`` for Flask / Django / WSGI

In Flask: ``app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/eventhandler":
handler.wsgi})``; in Starlette / FastAPI: ``Route("/eventhandler", handler.asgi,
methods=["POST", "OPTIONS"])`` (a ``Mount`` would redirect the exact path to ``.../``).

The service side is configured with the handler's URL: in Azure as the hub's event-handler
URL template; on the emulator with ``webpubsub emulator --event-handler
'chat=http://127.0.0.1:3000/eventhandler'`` (or ``--config appsettings.json``),
``EmulatorServer(event_handlers={"chat": url})`` or ``server.set_event_handlers(...)``.

What it checks, for every request:

* abuse protection: an ``OPTIONS`` request must carry ``WebHook-Request-Origin``; it gets 200
  with ``WebHook-Allowed-Origin`` when that origin is allowed (the connection string's host,
  ``allowed_origins``, or ``*``), 403 otherwise, 400 without the header;
* ``ce-signature`` (``sha256=<hex HMAC-SHA256 of the connection id>`` per service key) must
  match one of the keys (the connection string's, then ``access_keys`` such as the secondary
  key): 401 when missing or wrong;
* ``ce-specversion``, ``ce-type``, ``ce-hub`` and ``ce-connectionId`` present, the body
  decodes as its Content-Type says (``text/plain`` UTF-8, ``application/json``,
  ``application/octet-stream``), ``ce-connectionState`` is base64 JSON: 400 with a message
  saying what is wrong otherwise; another hub than the handler's: 404; methods other than
  POST and OPTIONS: 405.

Answers:

* ``on_connect`` returns ``ConnectResponse`` (200 with ``userId``/``groups``/``roles``/
  ``subprotocol``) or None (204, accept as is); raising ``EventHandlerError(status, message)``
  refuses the client, whose WebSocket handshake fails with that status.
* ``on_user_event`` returns ``UserEventResponse(data, data_type=None)`` (200; ``str`` ->
  ``text/plain``, ``bytes`` -> ``application/octet-stream``, other values -> JSON), which the
  service sends back to that client (or as its ``invokeEvent`` result), or None (204, no
  reply); ``EventHandlerError`` fails the event (error ack / closed raw client).
* ``on_connected`` / ``on_disconnected`` are notifications (204).
* Any other exception from a callback gives 500 without details (logged on the
  ``webpubsub.events`` logger); an event without a callback gets 204.
* Connection state: ``request.context.states`` holds what earlier answers set;
  ``set_state`` / ``clear_states`` changes it and the change is sent as ``ce-connectionState``.

Nothing here needs a dependency beyond the standard library.
"""

from __future__ import annotations

from ._dispatcher import (
    ConnectCallback,
    ConnectedCallback,
    DisconnectedCallback,
    UserEventCallback,
)
from ._handler import MAX_BODY_BYTES, WebPubSubEventHandler
from ._models import (
    ClientCertificate,
    ConnectedRequest,
    ConnectionContext,
    ConnectRequest,
    ConnectResponse,
    DataType,
    DisconnectedRequest,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
)
from ._mqtt_models import MqttConnectProperties, MqttDisconnectedProperties, MqttDisconnectPacket

__all__ = [
    "MAX_BODY_BYTES",
    "ClientCertificate",
    "ConnectCallback",
    "ConnectRequest",
    "ConnectResponse",
    "ConnectedCallback",
    "ConnectedRequest",
    "ConnectionContext",
    "DataType",
    "DisconnectedCallback",
    "DisconnectedRequest",
    "EventHandlerError",
    "MqttConnectProperties",
    "MqttDisconnectPacket",
    "MqttDisconnectedProperties",
    "UserEventCallback",
    "UserEventRequest",
    "UserEventResponse",
    "WebPubSubEventHandler",
]
