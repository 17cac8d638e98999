"""Mint a client access token: the URL a browser or any WebSocket client connects to.

Run it with a connection string (``webpubsub emulator`` prints one)::

    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/client_token.py
"""

from __future__ import annotations

import os

from webpubsub import WebPubSubServiceClient

connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
hub = os.environ.get("WEBPUBSUB_HUB", "examples")

with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
    token = service.get_client_access_token(
        user_id="ann",
        roles=["webpubsub.sendToGroup.room1", "webpubsub.joinLeaveGroup.room1"],
        groups=["room1"],
        minutes_to_expire=30,
    )
    # The token itself is a secret for 30 minutes: print where to connect, not the token.
    print("connect a WebSocket client to", token["baseUrl"], "with ?access_token=...")
