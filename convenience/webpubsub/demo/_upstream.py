"""The demo's event-handler step: a ``webpubsub.events`` handler served on a loopback port.

Only possible on the embedded emulator, which the demo can point at the handler; a cloud
service cannot reach a handler on this machine, so the step is left out there.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncGenerator, Callable

import attrs

from webpubsub.events import WebPubSubEventHandler


@attrs.frozen
class DemoUpstream:
    """How the scenario reaches the emulator: its connection string (the handler checks
    signatures with its key) and a function that points the hub's user event ``event_name``
    at a handler URL."""

    connection_string: str
    point_to: Callable[[str], None]


@contextlib.asynccontextmanager
async def serve_handler(handler: WebPubSubEventHandler) -> AsyncGenerator[str, None]:
    """Serve ``handler.asgi`` with uvicorn on 127.0.0.1 (free port) in this event loop;
    yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(handler.asgi, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
            await asyncio.sleep(0.01)  # uvicorn exposes no start event to await
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()
