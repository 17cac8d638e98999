"""Run the emulator: in a background thread (tests, tools) or blocking (the CLI)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from webpubsub._log_redaction import install as redact_tokens_in_logs

from .app import create_app
from .faults import FaultInjector
from .guards import MAX_BODY_BYTES, is_loopback_host, quiet_refused_handshakes
from .keys import DEFAULT_ACCESS_KEY
from .socket_protocol import LeanWebSocketProtocol
from .state import RECONNECT_GRACE_SECONDS, Service
from .upstream import EventHandlersConfig, EventHandlerSettings, Upstream, normalize

_START_TIMEOUT_SECONDS = 15.0
_STOP_TIMEOUT_SECONDS = 15.0
# How long stop() lets clients receive their "disconnected" message and close frame.
_CLOSE_FLUSH_SECONDS = 2.0


class EmulatorServer:
    """A local Web PubSub service on ``host:port`` (port 0 picks a free one), run by uvicorn
    in a background thread with its own event loop.

    Use as a context manager, or call ``start()`` / ``stop()``. ``stop()`` tells every client
    it is disconnected, closes the sockets and waits for the thread to end.

    REST requests must carry a loopback ``Host`` and browser WebSocket handshakes a loopback
    ``Origin``; ``allowed_hosts`` (names such as ``devbox``) and ``allowed_origins`` (such as
    ``http://devbox:3000``) allow more, ``"*"`` any. A specific non-loopback ``host`` is
    allowed automatically.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        access_key: str = DEFAULT_ACCESS_KEY,
        *,
        reconnect_grace_seconds: float = RECONNECT_GRACE_SECONDS,
        faults: bool = False,
        event_handlers: EventHandlersConfig | None = None,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
    ) -> None:
        self.host = host
        self.access_key = access_key
        self._app = create_app(
            access_key=access_key,
            reconnect_grace_seconds=reconnect_grace_seconds,
            faults=faults,
            event_handlers=event_handlers,
            allowed_hosts=_hosts_to_allow(host, allowed_hosts),
            allowed_origins=allowed_origins,
        )
        self._socket = _bind(host, port)
        self.port: int = self._socket.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"EmulatorServer(endpoint={self.endpoint!r})"

    @property
    def endpoint(self) -> str:
        """``http://host:port`` (IPv6 hosts in brackets)."""
        return f"http://{_url_host(self.host)}:{self.port}"

    @property
    def connection_string(self) -> str:
        return f"Endpoint={self.endpoint};AccessKey={self.access_key};Version=1.0;"

    @property
    def service(self) -> Service:
        """The live service state (read helpers are safe from other threads)."""
        service: Service = self._app.state.service
        return service

    @property
    def faults(self) -> FaultInjector:
        """The fault injector (see ``faults``); RuntimeError unless created with faults=True."""
        injector: FaultInjector | None = getattr(self._app.state, "faults", None)
        if injector is None:
            raise RuntimeError("this EmulatorServer was created without faults=True")
        return injector

    @property
    def upstream(self) -> Upstream:
        """The event-handler dispatcher (``upstream.Upstream``)."""
        upstream: Upstream = self._app.state.upstream
        return upstream

    def set_event_handlers(
        self, hub: str, handlers: str | EventHandlerSettings | list[str | EventHandlerSettings]
    ) -> None:
        """Give ``hub`` (``*``: every hub without its own) these event handlers from now on.

        A URL string receives every system and user event; ``[]`` removes the hub's handlers.
        Safe to call from another thread while the server runs. Raises ValueError for a URL
        that is not http(s).
        """
        settings = normalize({hub: handlers}).get(hub.lower(), []) if handlers else []
        self.upstream.set_hub(hub, settings)

    def start(self) -> EmulatorServer:
        """Start serving; return once the socket accepts requests.

        Raises RuntimeError if already started or if the server fails to come up in 15 s.
        """
        if self._thread is not None:
            raise RuntimeError("EmulatorServer is already started")
        self._server = uvicorn.Server(_config(self._app, self.host, self.port))
        self._thread = threading.Thread(
            target=self._run, name=f"webpubsub-emulator:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"emulator failed to start on {self.endpoint}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Disconnect every client, shut down and join the thread (idempotent)."""
        server, thread, loop = self._server, self._thread, self._loop
        if server is None or thread is None:
            return
        if loop is not None and thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._disconnect_all(), loop).result(
                    _STOP_TIMEOUT_SECONDS
                )
        server.should_exit = True
        thread.join(_STOP_TIMEOUT_SECONDS)
        self._socket.close()
        self._server = self._thread = self._loop = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        assert self._server is not None
        server = self._server

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            await server.serve(sockets=[self._socket])

        asyncio.run(main())

    async def _disconnect_all(self) -> None:
        writers = self.service.close_everything("the emulator is shutting down")
        if writers:
            flushing = [asyncio.ensure_future(w.flushed()) for w in writers]
            await asyncio.wait(flushing, timeout=_CLOSE_FLUSH_SECONDS)
        await self.upstream.aclose()


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    access_key: str = DEFAULT_ACCESS_KEY,
    event_handlers: EventHandlersConfig | None = None,
    *,
    faults: bool = False,
    allowed_hosts: Iterable[str] = (),
    allowed_origins: Iterable[str] = (),
) -> None:
    """Run the emulator in the foreground until interrupted (Ctrl+C).

    Prints the connection string to stdout once the socket accepts connections, then serves
    on ``host:port`` (port 0 picks a free one). ``faults=True`` enables fault injection
    (the ``/_emulator/faults`` admin endpoint). Binding a non-loopback ``host`` with the
    default (public) access key prints a warning to stderr. ``allowed_hosts`` and
    ``allowed_origins`` are as for ``EmulatorServer``; ``event_handlers`` as for ``create_app``.
    Raises OSError if the address cannot be bound.
    """
    if not is_loopback_host(host) and access_key == DEFAULT_ACCESS_KEY:
        print(
            f"webpubsub emulator: warning: serving on {host}, beyond this machine, with the "
            "default access key, which is public: anyone who can reach it can use it. "
            "Pass --access-key (or set WEBPUBSUB_EMULATOR_ACCESS_KEY).",
            file=sys.stderr,
            flush=True,
        )
    app = create_app(
        access_key=access_key,
        event_handlers=event_handlers,
        faults=faults,
        allowed_hosts=_hosts_to_allow(host, allowed_hosts),
        allowed_origins=allowed_origins,
    )
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    endpoint = f"http://{_url_host(host)}:{bound_port}"
    server = uvicorn.Server(_config(app, host, bound_port))

    async def main() -> None:
        serving = asyncio.ensure_future(server.serve(sockets=[sock]))
        # uvicorn sets ``started`` once it listens; only then is the string worth printing
        # (a client that connects at once must not meet ECONNREFUSED).
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if server.started:
            print(f"Endpoint={endpoint};AccessKey={access_key};Version=1.0;", flush=True)
        await serving

    asyncio.run(main())


def _hosts_to_allow(host: str, extra: Iterable[str]) -> list[str]:
    allowed = list(extra)
    # A specific address the emulator was bound to is how its clients will name it.
    if host not in ("0.0.0.0", "::", "") and not is_loopback_host(host):
        allowed.append(host)
    return allowed


def _config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # uvicorn's websockets-sansio protocol with smaller per-connection parts.
        ws=LeanWebSocketProtocol,
        # Compression would cost a zlib pass per recipient of every message.
        ws_per_message_deflate=False,
        # The service's limit on a client message; a larger one closes the socket (1009).
        ws_max_size=MAX_BODY_BYTES,
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    quiet_refused_handshakes()  # after uvicorn.Config, which configures its loggers
    # uvicorn logs handshake paths with their query string, access_token included.
    redact_tokens_in_logs()
    return config


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
