"""What the sync and asyncio clients share above the protocol core: argument checks, the
options, the User-Agent and the messages built from a user's call."""

from __future__ import annotations

import re
from typing import Any

from webpubsub import _log_redaction, _validation
from webpubsub._user_agent import compose

from ._protocol import _messages as m
from ._protocol._acks import NO_ACK
from ._protocol._codec import codec_for
from ._protocol._payload import check_content, data_type
from ._protocol._retry import RetryPolicy
from ._protocol._session import POLICY_VIOLATION, Options
from .models import (
    AckMessageError,
    CallbackType,
    InvokeEventError,
    InvokeEventResult,
    OnRejoinGroupFailedArgs,
    OpenClientError,
    RetryMode,
    WebPubSubProtocolType,
)

DEFAULT_RETRY_TOTAL = 3
DEFAULT_BACKOFF_FACTOR = 0.8
DEFAULT_BACKOFF_MAX = 120.0
DEFAULT_ACK_TIMEOUT = 30.0
DEFAULT_START_TIMEOUT = 30.0
DEFAULT_PROTOCOL = WebPubSubProtocolType.JSON_RELIABLE
DEFAULT_RETRY_MODE = RetryMode.Exponential
#: Messages waiting for listeners (and for ``async for``) before the client stops reading the
#: socket until they catch up.
DEFAULT_MAX_BUFFERED_MESSAGES = 10_000

#: ``error_detail.name`` of a message that may not have reached the service: re-sent (with the
#: same ack id) while message retries remain. An error the service answered is not re-sent.
TIMEOUT = "Timeout"
NOT_CONNECTED = "NotConnected"
RETRYABLE = frozenset({TIMEOUT, NOT_CONNECTED, NO_ACK})

_TOKEN_IN_FRAME = re.compile(r'("reconnectionToken"\s*:\s*")[^"]*')


class HandshakeRefused(OpenClientError):
    """The service refused the connection: an HTTP error ``status`` to the handshake, or a
    close before ``connected`` (``status`` None, ``close_code`` set). ``final`` when trying
    the same URL again cannot help (a 4xx, or 1008: how the service refuses a resume)."""

    def __init__(self, message: str, status: int | None, close_code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.close_code = close_code

    @property
    def final(self) -> bool:
        if self.status is not None:
            return self.status < 500
        return self.close_code == POLICY_VIOLATION


def client_access_url(url: str) -> str:
    """``url`` when it is a ``ws://`` or ``wss://`` URL; else ``ValueError`` naming only its
    scheme (the URL carries the access token)."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("ws", "wss"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise ValueError(f"the client access URL must start with ws:// or wss://, not {shown}")
    return url


def refused(error: Exception) -> OpenClientError:
    """The ``OpenClientError`` for a failed handshake (``HandshakeRefused`` with the status
    when the service answered with an HTTP error). websockets' messages carry no URL."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    text = _log_redaction.redact(str(error))
    if isinstance(status, int):
        return HandshakeRefused(f"Failed to open client: {text}", status)
    return OpenClientError(f"Failed to open client: {text}")


def closed_before_connected(error: Exception) -> OpenClientError:
    """The error for a socket the service closed before its ``connected`` message."""
    received = getattr(error, "rcvd", None)
    code = getattr(received, "code", None)
    return HandshakeRefused(
        f"Failed to open client: the service closed it ({error})",
        None,
        code if isinstance(code, int) else None,
    )


def options(
    *,
    protocol_type: object,
    reconnect: tuple[object, object, object, object],
    message: tuple[object, object, object, object],
    auto_rejoin_groups: object,
    ack_timeout: object,
    start_timeout: object,
) -> Options:
    """The checked options; raises ``ValueError`` naming the first bad argument."""
    _log_redaction.install()  # websockets logs the URL, which carries the access token
    reconnect_policy = RetryPolicy.build("reconnect", *reconnect)
    return Options(
        codec=codec_for(protocol_type),
        auto_reconnect=reconnect_policy.total > 0,
        auto_rejoin_groups=bool(auto_rejoin_groups),
        reconnect_policy=reconnect_policy,
        message_policy=RetryPolicy.build("message", *message),
        ack_timeout=seconds("ack_timeout", ack_timeout),
        start_timeout=seconds("start_timeout", start_timeout),
    )


def max_buffered(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"max_buffered_messages must be an int >= 1, not {value!r}")
    return value


def reject_unknown(kwargs: dict[str, Any]) -> None:
    if kwargs:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(kwargs))}")


def user_agent(value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"user_agent must be a str or None, not {type(value).__name__}")
    return compose(value)


def ack_id(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"ack_id must be an int >= 1, not {value!r}")
    return value


def group_name(value: object) -> str:
    return _validation.group(value, "group_name")


def event_name(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"event_name must be a non-empty str, not {value!r}")
    return value


def to_group(
    group: object, content: object, kind: object, no_echo: object
) -> tuple[str, Any, Any, bool]:
    """The checked arguments of ``send_to_group``: bad ones raise before anything is sent."""
    name = group_name(group)
    checked = data_type(kind)
    check_content(content, checked)
    return name, content, checked, bool(no_echo)


def event(name: object, content: object, kind: object) -> tuple[str, Any, Any]:
    checked = data_type(kind)
    check_content(content, checked)
    return event_name(name), content, checked


def lost(name: str, message: str) -> AckMessageError:
    return AckMessageError(name=name, message=message)


def shown_frame(frame: str | bytes) -> str:
    """A frame for a DEBUG log line, its reconnection token hidden."""
    if isinstance(frame, bytes):
        return f"<{len(frame)} bytes>"
    return _TOKEN_IN_FRAME.sub(r"\1***", frame)


def seconds(name: str, value: object) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a number of seconds > 0, not {value!r}")
    return float(value)


def invoke_timeout(value: object, default: float) -> float:
    return default if value is None else seconds("timeout", value)


def invoke_result(response: m.InvokeResponse | None, invocation_id: str) -> InvokeEventResult:
    """The result of an answered invocation; raises ``InvokeEventError`` for a failed one."""
    if response is None or not response.success:
        detail = None if response is None else response.error
        raise InvokeEventError("The invocation failed.", invocation_id, detail)
    return InvokeEventResult(invocation_id, response.data_type, response.data)


def rejoin_failed(group: str, error: Exception) -> OnRejoinGroupFailedArgs:
    return OnRejoinGroupFailedArgs(group, error)


def callback_type(event: object) -> CallbackType:
    """``event`` as a ``CallbackType``; raises ``ValueError`` naming it when unknown."""
    try:
        return CallbackType(event)
    except ValueError:
        allowed = ", ".join(member.value for member in CallbackType)
        raise ValueError(f"event {event!r} is not one of {allowed}") from None
