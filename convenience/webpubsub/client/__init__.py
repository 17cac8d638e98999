"""``webpubsub.client``: a Web PubSub client library (a WebSocket client of the service).

The drop-in for ``azure.messaging.webpubsubclient`` 1.1.0 (same names, arguments and
behaviour; migrating is an import change), plus the protobuf subprotocols and
``invoke_event``; ``webpubsub.client.aio`` is the asyncio form. Needs ``webpubsub[client]``.
"""

from __future__ import annotations

from ._client import WebPubSubClient
from ._credential import WebPubSubClientCredential
from .models import RetryMode

__all__ = ["RetryMode", "WebPubSubClient", "WebPubSubClientCredential"]
