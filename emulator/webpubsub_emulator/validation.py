"""Checks on request parameters, with the rule each one enforces in its error message."""

from __future__ import annotations

import re

from .errors import ServiceError, bad_request

SUPPORTED_API_VERSIONS = (
    "2020-10-01",
    "2021-05-01-preview",
    "2021-08-01-preview",
    "2021-10-01",
    "2022-11-01",
    "2023-07-01",
    "2024-01-01",
    "2024-12-01",
)
PERMISSIONS = ("sendToGroup", "joinLeaveGroup")
CLIENT_TYPES = ("Default", "MQTT", "SocketIO")
MAX_GROUP_LENGTH = 1024
MAX_TTL_SECONDS = 300

_HUB_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_`,.\[\]]{0,127}")


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
            f"hub {value!r} is invalid: it must start with a letter and contain only letters, "
            "digits and _`,.[] (at most 128 characters)",
            "hub",
        )
    return value


def group_name(value: str, target: str = "group") -> str:
    if not 1 <= len(value) <= MAX_GROUP_LENGTH:
        raise bad_request(
            f"group name of length {len(value)} is invalid: it must be 1 to "
            f"{MAX_GROUP_LENGTH} characters",
            target,
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
        return "Default"
    for name in CLIENT_TYPES:
        if value.lower() == name.lower():
            return name
    raise bad_request(
        f"clientType {value!r} is invalid: it must be one of {', '.join(CLIENT_TYPES)}",
        "clientType",
    )
