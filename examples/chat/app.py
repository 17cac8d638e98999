"""A small chat app on Web PubSub: a page, the event handler and the REST client.

Run it against the local emulator (two shells)::

    python examples/chat/app.py --port 3000
    webpubsub emulator --event-handler 'chat=http://127.0.0.1:3000/eventhandler'

then open http://127.0.0.1:3000/?name=ann and http://127.0.0.1:3000/?name=bob.
The page gets a client access URL from ``/negotiate``, connects with the
``json.webpubsub.azure.v1`` subprotocol and sends each line as the user event ``message``.
The handler (``/eventhandler``) refuses anonymous clients at ``connect``, broadcasts each
line to everyone with the REST client, and replies to the sender with a receipt.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from webpubsub.aio import WebPubSubServiceClient
from webpubsub.events import (
    ConnectRequest,
    ConnectResponse,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
    WebPubSubEventHandler,
)

DEFAULT_CONNECTION_STRING = (
    "Endpoint=http://127.0.0.1:8080;"
    "AccessKey=ZW11bGF0b3ItbG9jYWwta2V5LW5vdC1hLXNlY3JldC0wMDAwMDAwMDAwMDA=;Version=1.0;"
)
PAGE = (Path(__file__).parent / "index.html").read_text(encoding="utf-8")


def create_app(connection_string: str, hub: str = "chat") -> Starlette:
    """The chat app for ``hub``: ``/`` (page), ``/negotiate`` and ``/eventhandler``."""
    service = WebPubSubServiceClient.from_connection_string(connection_string, hub=hub)

    def on_connect(request: ConnectRequest) -> ConnectResponse:
        if request.context.user_id is None:
            raise EventHandlerError(401, "sign in first: open the page with ?name=...")
        return ConnectResponse(groups=["everyone"])

    async def on_user_event(request: UserEventRequest) -> UserEventResponse:
        if request.context.event_name != "message" or not isinstance(request.data, str):
            raise EventHandlerError(400, "send text with the event name 'message'")
        line = {"from": request.context.user_id, "text": request.data}
        await service.send_to_group("everyone", line)
        return UserEventResponse(f"delivered: {request.data}")

    handler = WebPubSubEventHandler(
        hub,
        connection_string=connection_string,
        on_connect=on_connect,
        on_user_event=on_user_event,
    )

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    async def negotiate(request: Request) -> JSONResponse:
        name = request.query_params.get("name", "").strip()
        if not name:
            return JSONResponse({"error": "name is required"}, status_code=400)
        token = await service.get_client_access_token(user_id=name)
        return JSONResponse({"url": token["url"]})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/negotiate", negotiate),
            Route("/eventhandler", handler.asgi, methods=["POST", "OPTIONS"]),
        ]
    )


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Web PubSub chat example")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--connection-string", default=DEFAULT_CONNECTION_STRING)
    parser.add_argument("--hub", default="chat")
    args = parser.parse_args()
    uvicorn.run(create_app(args.connection_string, args.hub), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
