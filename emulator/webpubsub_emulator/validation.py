"""Checks on request parameters, with the rule each one enforces in its error message."""

from __future__ import annotations

import re

from webpubsub_rest import spec_facts as spec

from .errors import ServiceError, bad_request

SUPPORTED_API_VERSIONS = spec.API_VERSIONS
PERMISSIONS = spec.PERMISSIONS
CLIENT_TYPES = spec.CLIENT_TYPES
MAX_GROUP_LENGTH = spec.GROUP_MAX_LENGTH
MAX_TTL_SECONDS = spec.MESSAGE_TTL_SECONDS_MAX
MAX_PAGE_SIZE = spec.MAX_PAGE_SIZE_MAX
MAX_TOP = spec.TOP_MAX

_HUB_NAME = re.compile(spec.HUB_PATTERN)
# DOTALL: the rule refuses whitespace-only names; newlines elsewhere in a name are accepted.
_GROUP_NAME = re.compile(spec.GROUP_PATTERN, re.DOTALL)


def api_version(value: str | None) -> str:
    if value is None:
        raise ServiceError(
            400, "MissingApiVersion", "query parameter 'api-version' is required", "api-version"
        )
    if value not in SUPPORTED_API_VERSIONS:
        raise ServiceError(
            400,
            "UnsupportedApiVersion",
            f"api-version {value!r} is not supported; use one of "
            + ", ".join(SUPPORTED_API_VERSIONS),
            "api-version",
        )
    return value


def hub_name(value: str) -> str:
    if not _HUB_NAME.fullmatch(value):
        raise bad_request(
            f"hub {value!r} is invalid: it must match {spec.HUB_PATTERN} ({spec.HUB_RULE})", "hub"
        )
    return value


def group_name(value: str, target: str = "group") -> str:
    if not spec.GROUP_MIN_LENGTH <= len(value) <= MAX_GROUP_LENGTH:
        raise bad_request(
            f"group name of length {len(value)} is invalid: it must be {spec.GROUP_MIN_LENGTH} "
            f"to {MAX_GROUP_LENGTH} characters",
            target,
        )
    if not _GROUP_NAME.fullmatch(value):
        raise bad_request(
            f"group name {value!r} is invalid: it must not be only whitespace", target
        )
    return value


def identifier(value: str, target: str) -> str:
    if not value:
        raise bad_request(f"{target} must not be empty", target)
    return value


def permission(value: str) -> str:
    for name in PERMISSIONS:
        if value.lower() == name.lower():
            return name
    raise bad_request(
        f"permission {value!r} is invalid: it must be one of {', '.join(PERMISSIONS)}",
        "permission",
    )


def integer(value: str | None, target: str, *, low: int, high: int | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"{target} {value!r} is not an integer", target) from None
    if number < low or (high is not None and number > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise bad_request(f"{target} {number} is out of range: it must be {limit}", target)
    return number


def client_type(value: str | None) -> str:
    if value is None:
        return spec.DEFAULT_CLIENT_TYPE
    for name in CLIENT_TYPES:
        if value.lower() == name.lower():
            return name
    raise bad_request(
        f"clientType {value!r} is invalid: it must be one of {', '.join(CLIENT_TYPES)}",
        "clientType",
    )
