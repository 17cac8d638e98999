"""Asynchronous Web PubSub service client: ``from webpubsub.aio import WebPubSubServiceClient``."""

from ._client import AsyncItemPaged, WebPubSubServiceClient

__all__ = ["AsyncItemPaged", "WebPubSubServiceClient"]
