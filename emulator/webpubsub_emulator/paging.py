"""Continuation tokens for listing a group's connections page by page.

A token remembers the last connection id returned (members are listed in id order, so a
page boundary stays valid while connections come and go) and how many of ``top`` are left.
"""

from __future__ import annotations

import base64
import binascii
import json

from .errors import bad_request


def encode_continuation(after: str, left: int | None) -> str:
    raw = json.dumps({"after": after, "left": left}).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_continuation(token: str | None, top: int | None) -> tuple[str | None, int | None]:
    if token is None:
        return None, top
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        after, left = state["after"], state["left"]
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        raise bad_request(f"continuationToken {token!r} is invalid", "continuationToken") from None
    if not isinstance(after, str) or not (left is None or isinstance(left, int)):
        raise bad_request(f"continuationToken {token!r} is invalid", "continuationToken")
    return after, left
