"""Send to every connection of a hub: text, JSON and bytes.

Run it with a connection string (``webpubsub emulator`` prints one)::

    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/broadcast.py
"""

from __future__ import annotations

import os

from webpubsub import WebPubSubServiceClient

connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
hub = os.environ.get("WEBPUBSUB_HUB", "examples")

with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
    service.send_to_all("plain text for everyone", content_type="text/plain")
    service.send_to_all({"kind": "score", "home": 2, "away": 1})
    service.send_to_all(b"\x00\x01", content_type="application/octet-stream")
    print(f"sent 3 messages to every connection of hub {hub!r}")
