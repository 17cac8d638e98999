"""Checks on user input, run before a request is built.

Each checker returns the value (possibly normalised) or raises an error naming the argument,
the offending value and the rule it broke.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast
from urllib.parse import urlsplit

from webpubsub_rest import spec_facts as spec

from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

HUB_PATTERN = re.compile(spec.HUB_PATTERN)
# DOTALL: the rule refuses whitespace-only names; other characters, newlines included, are
# left to the service.
GROUP_PATTERN = re.compile(spec.GROUP_PATTERN, re.DOTALL)
MAX_PAGE_SIZE = spec.MAX_PAGE_SIZE_MAX
CLIENT_PROTOCOLS: dict[str, spec.ClientType] = {name.lower(): name for name in spec.CLIENT_TYPES}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _require_str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def hub(value: object) -> str:
    text = _require_str("hub", value)
    if not HUB_PATTERN.fullmatch(text):
        raise InvalidArgumentError(
            f"hub {_shown(value)} is invalid: it must match {spec.HUB_PATTERN} ({spec.HUB_RULE})"
        )
    return text


def endpoint(value: object) -> str:
    """An http(s) URL with a host; returned without trailing slash."""
    text = _require_str("endpoint", value).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidArgumentError(
            f"endpoint {_shown(value)} is invalid: "
            "it must be an http:// or https:// URL with a host"
        )
    if parts.query or parts.fragment:
        raise InvalidArgumentError(
            f"endpoint {_shown(value)} is invalid: it must not carry a query or fragment"
        )
    return text


def port(value: object) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise InvalidArgumentError(
            f"port {_shown(value)} is invalid: it must be an integer in 1..65535"
        )
    return value


def group(value: object, name: str = "group") -> str:
    text = _require_str(name, value)
    if not spec.GROUP_MIN_LENGTH <= len(
        text
    ) <= spec.GROUP_MAX_LENGTH or not GROUP_PATTERN.fullmatch(text):
        raise InvalidArgumentError(
            f"{name} {_shown(value)} is invalid: it must be {spec.GROUP_MIN_LENGTH}.."
            f"{spec.GROUP_MAX_LENGTH} characters and not only whitespace"
        )
    return text


def identifier(name: str, value: object) -> str:
    """A connection id or user id: a non-empty string."""
    text = _require_str(name, value)
    if not text:
        raise InvalidArgumentError(f"{name} must not be empty")
    return text


def optional_str(name: str, value: object) -> str | None:
    return None if value is None else _require_str(name, value)


def str_list(name: str, values: object) -> list[str] | None:
    """A list of strings; a lone str is refused because iterating it would split characters."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidArgumentTypeError(
            f"{name} must be a list of str, got {type(values).__name__} {_shown(values)}"
        )
    return [_require_str(f"each item of {name}", item) for item in cast(Iterable[object], values)]


def group_list(name: str, values: object) -> list[str]:
    items = str_list(name, values)
    if not items:
        raise InvalidArgumentError(f"{name} must contain at least one group")
    for item in items:
        group(item, f"item of {name}")
    return items


def bounded_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentTypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        rule = f"in {low}..{high}" if high is not None else f">= {low}"
        raise InvalidArgumentError(f"{name} {value} is invalid: it must be {rule}")
    return value


def ttl(value: object) -> int | None:
    if value is None:
        return None
    return bounded_int(
        "message_ttl_seconds", value, spec.MESSAGE_TTL_SECONDS_MIN, spec.MESSAGE_TTL_SECONDS_MAX
    )


def permission(value: object) -> spec.Permission:
    text = _require_str("permission", value)
    for known in spec.PERMISSIONS:
        if text == known:
            return known
    raise InvalidArgumentError(
        f"permission {_shown(value)} is invalid: it must be one of {', '.join(spec.PERMISSIONS)}"
    )


def client_protocol(value: object) -> spec.ClientType:
    text = _require_str("client_protocol", value)
    canonical = CLIENT_PROTOCOLS.get(text.lower())
    if canonical is None:
        raise InvalidArgumentError(
            f"client_protocol {_shown(value)} is invalid: it must be one of "
            f"{', '.join(CLIENT_PROTOCOLS.values())} (case-insensitive)"
        )
    return canonical
