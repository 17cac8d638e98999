"""The ASGI application: REST routes, the client WebSocket endpoint and the service state."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from .client_sockets import ClientSockets
from .client_ws import ClientEndpoint
from .encoded_paths import RouteOnEncodedPath
from .errors import ServiceError
from .faults import install as install_faults
from .guards import Guards
from .keys import DEFAULT_ACCESS_KEY
from .mqtt import MqttEndpoint
from .rest import routes
from .state import RECONNECT_GRACE_SECONDS, Service
from .upstream import EventHandlersConfig, Upstream


def create_app(
    *,
    access_key: str = DEFAULT_ACCESS_KEY,
    reconnect_grace_seconds: float = RECONNECT_GRACE_SECONDS,
    faults: bool = False,
    event_handlers: EventHandlersConfig | None = None,
    allowed_hosts: Iterable[str] = (),
    allowed_origins: Iterable[str] = (),
) -> Starlette:
    """Build the emulator app; its live state is ``app.state.service`` (a ``Service``).

    ``access_key`` signs and verifies every token (REST and client). ``reconnect_grace_seconds``
    is how long a dropped reliable connection waits for its client to resume it.
    ``event_handlers`` maps hub names (``*`` for any hub) to event-handler URL templates or
    ``upstream.EventHandlerSettings`` (see ``upstream.settings``); it is ``app.state.upstream``.
    ``faults=True`` puts a ``faults.FaultInjector`` in front (``app.state.faults``).
    REST requests must name a loopback ``Host`` and WebSocket handshakes from a web page must
    come from a loopback ``Origin``, unless listed in ``allowed_hosts`` / ``allowed_origins``
    (host names; origins such as ``http://devbox:3000``; ``"*"`` allows any). Bodies over
    1 MiB get a 413 (see ``guards``).
    Raises ValueError if ``access_key`` is empty.
    """
    if not access_key:
        raise ValueError("access_key must be a non-empty string")
    app = Starlette(
        routes=routes(),
        exception_handlers={HTTPException: _http_error},
        # Client sockets skip the router (see client_sockets); REST routes on encoded paths.
        middleware=[
            Middleware(ClientSockets, endpoint=ClientEndpoint(), mqtt_endpoint=MqttEndpoint()),
            Middleware(RouteOnEncodedPath),
        ],
    )
    app.state.service = Service(access_key, reconnect_grace_seconds)
    app.state.upstream = Upstream(access_key, event_handlers)
    if faults:
        install_faults(app)
    # Outermost, so that no request reaches anything (faults admin included) unchecked.
    app.add_middleware(Guards, allowed_hosts=allowed_hosts, allowed_origins=allowed_origins)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods answer in the service's JSON error shape too."""
    assert isinstance(exc, HTTPException)
    codes = {404: "NotFound", 405: "MethodNotAllowed"}
    message = f"{request.method} {request.url.path}: {exc.detail}"
    code = codes.get(exc.status_code, "InvalidRequest")
    error = ServiceError(exc.status_code, code, message, request.url.path)
    return error.to_response()
