"""Two Python clients chat in a group through Web PubSub, with ``webpubsub.client``.

The app server side (``WebPubSubServiceClient``) only hands out client access URLs and
announces the room; the clients join, talk and receive each other's messages.

Run it with a connection string (``webpubsub emulator`` prints one)::

    pip install "webpubsub[client]"
    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/client_chat.py
"""

from __future__ import annotations

import os
import queue

from webpubsub import WebPubSubServiceClient
from webpubsub.client import WebPubSubClient, WebPubSubClientCredential
from webpubsub.client.models import (
    CallbackType,
    OnGroupDataMessageArgs,
    OnServerDataMessageArgs,
    WebPubSubDataType,
)

connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
hub = os.environ.get("WEBPUBSUB_HUB", "examples")
service = WebPubSubServiceClient.from_connection_string(connection_string, hub)


def client_for(user: str) -> WebPubSubClient:
    """A client whose every (re)connection gets a fresh URL from the app server."""

    def client_access_url() -> str:
        token = service.get_client_access_token(
            user_id=user, roles=["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
        )
        return str(token["url"])

    return WebPubSubClient(WebPubSubClientCredential(client_access_url))


ann, bob = client_for("ann"), client_for("bob")
heard_by_bob: queue.Queue[OnGroupDataMessageArgs | OnServerDataMessageArgs] = queue.Queue()
bob.subscribe(CallbackType.GROUP_MESSAGE, heard_by_bob.put)
bob.subscribe(CallbackType.SERVER_MESSAGE, heard_by_bob.put)

with ann, bob:
    ann.join_group("room")
    bob.join_group("room")
    # Each send returns once the service acknowledged it.
    service.send_to_group("room", "welcome to the room", content_type="text/plain")
    ann.send_to_group("room", "hi bob", WebPubSubDataType.TEXT, no_echo=True)
    ann.send_to_group("room", {"mood": "happy"}, WebPubSubDataType.JSON, no_echo=True)
    for _ in range(3):
        message = heard_by_bob.get(timeout=30)
        sender = getattr(message, "from_user_id", None) or "the server"
        print(f"bob heard {message.data!r} ({message.data_type.value}) from {sender}")
print("both clients closed")
