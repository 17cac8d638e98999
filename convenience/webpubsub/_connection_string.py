"""Parsing of ``Endpoint=...;AccessKey=...;Version=1.0;Port=...`` connection strings."""

from __future__ import annotations

import attrs

from .exceptions import InvalidConnectionStringError


@attrs.frozen(repr=False)
class ConnectionString:
    """The fields of a connection string that matter to the client."""

    endpoint: str
    access_key: str
    port: int | None

    def __repr__(self) -> str:
        return (
            f"ConnectionString(endpoint={self.endpoint!r}, access_key=<redacted>, "
            f"port={self.port!r})"
        )


def parse_connection_string(text: str) -> ConnectionString:
    """Split ``text`` into its fields.

    Segments are separated by ``;`` and split at their first ``=``; keys are case-insensitive;
    ``Version`` and unknown keys are ignored; the first occurrence of a key wins.

    Raises:
        InvalidConnectionStringError: ``text`` is not a ``str``, has a non-empty segment without
            ``=``, lacks ``Endpoint`` or ``AccessKey`` (or has them empty), or has a ``Port``
            that is not an integer in 1..65535. The message never contains the key.
    """
    if not isinstance(text, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidConnectionStringError(
            f"connection string must be a str, got {type(text).__name__}"
        )
    fields: dict[str, str] = {}
    for position, segment in enumerate(text.split(";"), start=1):
        if not segment.strip():
            continue
        name, sep, value = segment.partition("=")
        if not sep:
            raise InvalidConnectionStringError(
                f"malformed connection string: segment {position} is not 'key=value' "
                "(segments are separated by ';' and each needs a '='; the segment's text is "
                "not shown because it may be the access key)"
            )
        fields.setdefault(name.strip().lower(), value.strip())
    endpoint = fields.get("endpoint")
    if not endpoint:
        raise InvalidConnectionStringError("connection string has no 'Endpoint=' field")
    access_key = fields.get("accesskey")
    if not access_key:
        raise InvalidConnectionStringError("connection string has no 'AccessKey=' field")
    port_text = fields.get("port")
    port: int | None = None
    if port_text:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise InvalidConnectionStringError(
                f"connection string 'Port={port_text}' must be an integer in 1..65535"
            )
        port = int(port_text)
    return ConnectionString(endpoint=endpoint, access_key=access_key, port=port)
