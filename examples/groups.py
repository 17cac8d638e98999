"""Put a user in a group, send to the group, list its connections, then leave.

Run it with a connection string (``webpubsub emulator`` prints one)::

    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/groups.py
"""

from __future__ import annotations

import os

from webpubsub import WebPubSubServiceClient

connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
hub = os.environ.get("WEBPUBSUB_HUB", "examples")

with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
    service.add_user_to_group("room1", "ann")  # her current and future connections join
    service.send_to_group("room1", {"text": "welcome to room1"})
    members = list(service.list_connections(group="room1"))
    print(f"room1 has {len(members)} connection(s)")
    service.remove_user_from_group("room1", "ann")
    print("group exists:", service.group_exists("room1"))
