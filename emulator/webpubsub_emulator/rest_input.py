"""Reading REST request input: path and query parameters, message bodies, group actions.

Each reader raises ``ServiceError`` (400/413/415) naming the bad value and the rule it broke.
"""

from __future__ import annotations

import json

from starlette.requests import Request

from . import validation
from .errors import ServiceError, bad_request
from .frames import DataMessage, Payload
from .odata import ODataError, Predicate, compile_filter

# The service refuses messages larger than 1 MiB.
MAX_MESSAGE_BYTES = 1024 * 1024


def excluded(request: Request) -> list[str]:
    return request.query_params.getlist("excluded")


def parse_filter(text: str | None) -> Predicate | None:
    if text is None:
        return None
    try:
        return compile_filter(text)
    except ODataError as exc:
        raise bad_request(str(exc), "filter") from exc


def message_ttl(request: Request) -> int | None:
    return validation.integer(
        request.query_params.get("messageTtlSeconds"),
        "messageTtlSeconds",
        low=0,
        high=validation.MAX_TTL_SECONDS,
    )


async def read_message(request: Request) -> DataMessage:
    """The body as a message, with the request's ``messageTtlSeconds`` (checked first)."""
    ttl = message_ttl(request)
    body = await request.body()
    if len(body) > MAX_MESSAGE_BYTES:
        raise ServiceError(
            413,
            "PayloadTooLarge",
            f"message of {len(body)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit",
            "message",
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "text/plain":
        try:
            return DataMessage(Payload("text", body.decode("utf-8")), ttl_seconds=ttl)
        except UnicodeDecodeError:
            raise bad_request("text/plain body is not valid UTF-8", "message") from None
    if media_type == "application/json":
        try:
            text = body.decode("utf-8")
            json.loads(text)
        except ValueError:
            raise bad_request("application/json body is not valid JSON", "message") from None
        return DataMessage(Payload("json", text), ttl_seconds=ttl)
    if media_type == "application/octet-stream":
        return DataMessage(Payload("binary", body), ttl_seconds=ttl)
    raise ServiceError(
        415,
        "UnsupportedMediaType",
        f"Content-Type {media_type!r} is not supported; use text/plain, application/json "
        "or application/octet-stream",
        "Content-Type",
    )


async def read_groups_action(request: Request) -> tuple[list[str], Predicate | None]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise bad_request(
            "body must be JSON like {'groups': [...], 'filter': '...'}", "body"
        ) from None
    if not isinstance(body, dict):
        raise bad_request("body must be a JSON object with 'groups' and 'filter'", "body")
    groups = body.get("groups")
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise bad_request("'groups' must be a list of group names", "groups")
    for group in groups:
        validation.group_name(group, "groups")
    text = body.get("filter")
    if text is not None and not isinstance(text, str):
        raise bad_request("'filter' must be a string", "filter")
    return groups, parse_filter(text)
