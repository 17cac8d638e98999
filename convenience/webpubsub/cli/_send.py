"""``webpubsub send``: read the message, pick the target, make one REST send call."""

from __future__ import annotations

import io
import json as jsonlib
import sys
import threading
from pathlib import Path

import attrs

from webpubsub import WebPubSubServiceClient
from webpubsub.cli._errors import CliError

#: Retries of a CLI send: few and quick, so a mistyped or stopped endpoint fails in about a
#: moment instead of the SDK's default minute-scale backoff meant for long-running apps.
CLI_RETRY_TOTAL = 2
CLI_RETRY_BACKOFF_SECONDS = 0.1
#: After this many seconds without an answer, say what we are waiting for.
PROGRESS_NOTE_AFTER_SECONDS = 2.0

TEXT = "text/plain"
JSON = "application/json"
BINARY = "application/octet-stream"


@attrs.frozen
class Payload:
    """The request body exactly as it will be sent, and its content type."""

    body: str | bytes
    content_type: str


@attrs.frozen
class Target:
    """At most one of the fields is set; none means every connection of the hub."""

    group: str | None = None
    user_id: str | None = None
    connection_id: str | None = None

    def describe(self) -> str:
        if self.group is not None:
            return f"group {self.group!r}"
        if self.user_id is not None:
            return f"user {self.user_id!r}"
        if self.connection_id is not None:
            return f"connection {self.connection_id!r}"
        return "all connections"


def read_payload(message: str, *, json: bool, binary: bool) -> Payload:
    """Turn the MESSAGE argument into a payload.

    ``@PATH`` reads the file, ``@-`` standard input; anything else is the message itself.
    Raises :class:`CliError` when the file cannot be read, text is not UTF-8, or ``json``
    is set and the message is not valid JSON.
    """
    raw = _read_source(message)
    if binary:
        return Payload(raw, BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError("the message is not UTF-8 text; send bytes with --binary") from None
    if json:
        try:
            jsonlib.loads(text)
        except ValueError as exc:
            raise CliError(f"--json: the message is not valid JSON ({exc})") from None
        # Bytes, so the SDK sends the user's JSON verbatim instead of encoding it as a string.
        return Payload(raw, JSON)
    return Payload(text, TEXT)


def _read_source(message: str) -> bytes:
    if message == "@-":
        return sys.stdin.buffer.read()
    if message.startswith("@"):
        path = Path(message[1:])
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read the message file '{path}': {exc.strerror}") from None
    return message.encode("utf-8")


def send(
    connection_string: str, hub: str, target: Target, payload: Payload, *, timeout: float
) -> None:
    """Send ``payload`` to ``target`` and print one confirmation line.

    Calls one of POST /api/hubs/{hub}/:send, .../groups/{group}/:send,
    .../users/{userId}/:send or .../connections/{connectionId}/:send, allowing each HTTP
    attempt ``timeout`` seconds and retrying twice, quickly. A note on stderr says what we
    are waiting for when the service has not answered within two seconds.

    Raises the SDK's InvalidArgumentError for a bad connection string, hub or target (before
    sending), HttpResponseError when the service refuses, ServiceRequestError when it cannot
    be reached.
    """
    with WebPubSubServiceClient.from_connection_string(
        connection_string,
        hub,
        timeout=timeout,
        retry_total=CLI_RETRY_TOTAL,
        retry_backoff_factor=CLI_RETRY_BACKOFF_SECONDS,
    ) as client:
        note = threading.Timer(
            PROGRESS_NOTE_AFTER_SECONDS,
            print,
            args=(f"webpubsub: waiting for {client.endpoint} (up to {timeout:g} s a try) ...",),
            kwargs={"file": sys.stderr, "flush": True},
        )
        note.daemon = True
        note.start()
        try:
            _send_to(client, target, payload)
        finally:
            note.cancel()
    body = payload.body
    size = len(body.encode("utf-8") if isinstance(body, str) else body)
    print(f"sent {size} bytes ({payload.content_type}) to {target.describe()} of hub {hub!r}")


def _send_to(client: WebPubSubServiceClient, target: Target, payload: Payload) -> None:
    body, content_type = payload.body, payload.content_type
    # A file body is sent verbatim; bytes with a JSON type would go as a base64 string.
    message = io.BytesIO(body) if content_type == JSON and isinstance(body, bytes) else body
    if target.group is not None:
        client.send_to_group(target.group, message, content_type=content_type)
    elif target.user_id is not None:
        client.send_to_user(target.user_id, message, content_type=content_type)
    elif target.connection_id is not None:
        client.send_to_connection(target.connection_id, message, content_type=content_type)
    else:
        client.send_to_all(message, content_type=content_type)
