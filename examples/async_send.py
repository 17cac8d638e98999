"""The async client: concurrent sends to several users.

Run it with a connection string (``webpubsub emulator`` prints one)::

    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/async_send.py
"""

from __future__ import annotations

import asyncio
import os

from webpubsub.aio import WebPubSubServiceClient


async def main() -> None:
    connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
    hub = os.environ.get("WEBPUBSUB_HUB", "examples")
    async with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
        users = ["ann", "bob", "eve"]
        await asyncio.gather(
            *(service.send_to_user(user, {"to": user, "text": "hello"}) for user in users)
        )
        print(f"sent to {len(users)} users concurrently")


asyncio.run(main())
