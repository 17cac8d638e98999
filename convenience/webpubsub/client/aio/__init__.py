"""``webpubsub.client.aio``: the asyncio Web PubSub client, the drop-in for
``azure.messaging.webpubsubclient.aio`` 1.1.0 (plus ``invoke_event``, the protobuf
subprotocols and ``async for message in client``)."""

from __future__ import annotations

from .._credential import AsyncWebPubSubClientCredential as WebPubSubClientCredential
from ..models import RetryMode
from ._client import WebPubSubClient

__all__ = ["RetryMode", "WebPubSubClient", "WebPubSubClientCredential"]
