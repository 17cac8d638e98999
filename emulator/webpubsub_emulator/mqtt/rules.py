"""The service's limits on MQTT clients, checked on CONNECT, SUBSCRIBE and PUBLISH.

From "How to connect MQTT clients" and the MQTT feature list of Azure Web PubSub: client
ids of 1 to 128 letters and digits (an MQTT 5.0 client may leave it empty to be assigned
one); a keep-alive of 1 to 180 seconds for MQTT 3.1.1; a will topic that is not blank and
at most 1,024 characters, with at most 2,000 bytes of will payload. No wildcard or shared
subscriptions, retained messages or topic aliases.
"""

from __future__ import annotations

import re

import attrs
from webpubsub import _mqtt as mqtt

from .. import validation
from ..errors import ServiceError
from . import codes

MAX_CLIENT_ID_LENGTH = 128
KEEP_ALIVE_RANGE_V311 = range(1, 181)  # seconds
MAX_WILL_TOPIC_LENGTH = 1024
MAX_WILL_PAYLOAD_BYTES = 2000
#: How long the service keeps a session after its connection drops, in seconds.
MAX_SESSION_EXPIRY_SECONDS = 30
#: The server topic of REST sends to all, a user or a connection.
SERVER_MESSAGES_TOPIC = "$webpubsub/server/messages"
#: Prefix of topics that publish a user event to the event handler.
SERVER_EVENTS_PREFIX = "$webpubsub/server/events/"
SHARED_PREFIX = "$share/"

_CLIENT_ID = re.compile(r"[0-9A-Za-z]{1,128}")


@attrs.frozen
class Refusal:
    """Why a packet is refused: an MQTT 5.0 reason code and a message naming the rule."""

    code: int
    reason: str


def check_connect(packet: mqtt.Connect) -> Refusal | None:
    """The first rule ``packet`` breaks, or None. An empty 5.0 client id is allowed here
    (the service assigns one)."""
    client_id = packet.client_id
    if (client_id or packet.protocol_level == mqtt.MQTT_3_1_1) and not _CLIENT_ID.fullmatch(
        client_id
    ):
        return Refusal(
            codes.CLIENT_IDENTIFIER_NOT_VALID,
            f"client id {client_id[:140]!r} is invalid: it must be 1 to "
            f"{MAX_CLIENT_ID_LENGTH} characters of 0-9, a-z and A-Z",
        )
    if packet.protocol_level == mqtt.MQTT_3_1_1 and packet.keep_alive not in KEEP_ALIVE_RANGE_V311:
        return Refusal(
            codes.IMPLEMENTATION_SPECIFIC_ERROR,
            f"keep-alive {packet.keep_alive} s is invalid: MQTT 3.1.1 clients must use "
            f"{KEEP_ALIVE_RANGE_V311.start} to {KEEP_ALIVE_RANGE_V311.stop - 1} seconds",
        )
    if packet.properties.authentication_method is not None:
        return Refusal(
            codes.BAD_AUTHENTICATION_METHOD,
            f"authentication method {packet.properties.authentication_method!r} is not "
            "supported: the service takes an access token (or the event handler decides)",
        )
    will = packet.will
    if will is not None:
        if not will.topic.strip() or len(will.topic) > MAX_WILL_TOPIC_LENGTH:
            return Refusal(
                codes.TOPIC_NAME_INVALID,
                f"will topic of length {len(will.topic)} is invalid: it must have a "
                f"non-whitespace character and at most {MAX_WILL_TOPIC_LENGTH} characters",
            )
        if len(will.payload) > MAX_WILL_PAYLOAD_BYTES:
            return Refusal(
                codes.PACKET_TOO_LARGE,
                f"will payload of {len(will.payload)} bytes is too large: the limit is "
                f"{MAX_WILL_PAYLOAD_BYTES} bytes",
            )
        if will.retain:
            return Refusal(codes.RETAIN_NOT_SUPPORTED, "retained will messages are not supported")
    return None


def check_topic_filter(topic_filter: str) -> Refusal | None:
    """Why a SUBSCRIBE / UNSUBSCRIBE topic filter is refused, or None."""
    if topic_filter.startswith(SHARED_PREFIX):
        return Refusal(
            codes.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
            f"topic filter {topic_filter!r}: shared subscriptions are not supported",
        )
    if "+" in topic_filter or "#" in topic_filter:
        return Refusal(
            codes.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
            f"topic filter {topic_filter!r}: wildcard subscriptions are not supported",
        )
    return _group_rule(topic_filter, codes.TOPIC_FILTER_INVALID)


def check_topic_name(topic: str) -> Refusal | None:
    """Why a PUBLISH topic name is refused (closing the connection), or None."""
    if "+" in topic or "#" in topic:
        return Refusal(
            codes.TOPIC_NAME_INVALID, f"topic name {topic!r} must not contain '+' or '#'"
        )
    return _group_rule(topic, codes.TOPIC_NAME_INVALID)


def _group_rule(topic: str, code: int) -> Refusal | None:
    # Topics are group names, so the group name rules apply.
    try:
        validation.group_name(topic)
    except ServiceError as error:
        return Refusal(code, error.message)
    return None
