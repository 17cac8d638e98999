"""Asynchronous Web PubSub service client: ``from webpubsub.aio import WebPubSubServiceClient``.

Names are imported on first use, as in :mod:`webpubsub`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._client import AsyncItemPaged, WebPubSubServiceClient

_EXPORTS = {"AsyncItemPaged": "._client", "WebPubSubServiceClient": "._client"}

__all__ = ["AsyncItemPaged", "WebPubSubServiceClient"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
