"""Reason codes (MQTT 5.0 section 2.4) and their MQTT 3.1.1 counterparts.

The emulator decides every outcome as a 5.0 reason code; ``connack_code`` turns a CONNACK
code into the 3.1.1 return code for older clients, and ``suback_code`` a SUBACK code into
3.1.1's single failure value.
"""

from __future__ import annotations

SUCCESS = 0x00
NO_SUBSCRIPTION_EXISTED = 0x11
DISCONNECT_WITH_WILL = 0x04
UNSPECIFIED_ERROR = 0x80
MALFORMED_PACKET = 0x81
PROTOCOL_ERROR = 0x82
IMPLEMENTATION_SPECIFIC_ERROR = 0x83
UNSUPPORTED_PROTOCOL_VERSION = 0x84
CLIENT_IDENTIFIER_NOT_VALID = 0x85
BAD_USERNAME_OR_PASSWORD = 0x86
NOT_AUTHORIZED = 0x87
BANNED = 0x8A
BAD_AUTHENTICATION_METHOD = 0x8C
KEEP_ALIVE_TIMEOUT = 0x8D
SESSION_TAKEN_OVER = 0x8E
TOPIC_FILTER_INVALID = 0x8F
TOPIC_NAME_INVALID = 0x90
PACKET_IDENTIFIER_NOT_FOUND = 0x92
RECEIVE_MAXIMUM_EXCEEDED = 0x93
TOPIC_ALIAS_INVALID = 0x94
PACKET_TOO_LARGE = 0x95
QUOTA_EXCEEDED = 0x97
ADMINISTRATIVE_ACTION = 0x98
RETAIN_NOT_SUPPORTED = 0x9A
SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E
WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = 0xA2

# MQTT 3.1.1 CONNACK return codes (section 3.2.2.3).
V311_ACCEPTED = 0
V311_UNACCEPTABLE_PROTOCOL_VERSION = 1
V311_IDENTIFIER_REJECTED = 2
V311_SERVER_UNAVAILABLE = 3
V311_BAD_USERNAME_OR_PASSWORD = 4
V311_NOT_AUTHORIZED = 5
V311_SUBACK_FAILURE = 0x80

_V311_CONNACK = {
    SUCCESS: V311_ACCEPTED,
    UNSUPPORTED_PROTOCOL_VERSION: V311_UNACCEPTABLE_PROTOCOL_VERSION,
    CLIENT_IDENTIFIER_NOT_VALID: V311_IDENTIFIER_REJECTED,
    BAD_USERNAME_OR_PASSWORD: V311_BAD_USERNAME_OR_PASSWORD,
    NOT_AUTHORIZED: V311_NOT_AUTHORIZED,
    BANNED: V311_NOT_AUTHORIZED,
}
#: Valid CONNACK reason codes of MQTT 5.0 (section 3.2.2.2), for upstream answers.
V5_CONNACK_CODES = frozenset(
    {0x00, *range(0x80, 0x8B), 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F}
)


def connack_code(code: int, level: int) -> int:
    """The CONNACK code to send for the 5.0 reason ``code`` at protocol ``level``.

    3.1.1 has no code for most failures: those become "server unavailable" (3)."""
    if level == 5:
        return code
    return _V311_CONNACK.get(code, V311_SERVER_UNAVAILABLE)


def upstream_connack_code(code: object, level: int) -> int:
    """The CONNACK code for an event handler's ``mqtt.code`` (an int valid for the client's
    protocol version); anything else is "unspecified error", as the service documents."""
    if isinstance(code, int) and not isinstance(code, bool):
        if level == 5 and code in V5_CONNACK_CODES and code != SUCCESS:
            return code
        if level == 4 and 1 <= code <= 5:
            return code
    return UNSPECIFIED_ERROR if level == 5 else V311_SERVER_UNAVAILABLE


def suback_code(code: int, level: int) -> int:
    """A SUBACK code: granted QoS as is; any failure is 0x80 in MQTT 3.1.1."""
    if code < 0x80 or level == 5:
        return code
    return V311_SUBACK_FAILURE
