"""The four subprotocols: their names, whether they resume, and their frame encoding."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..models import WebPubSubProtocolType
from . import _messages as m


@attrs.frozen
class Codec:
    """How one subprotocol encodes frames. ``encode`` returns ``str`` (text frame) for JSON
    and ``bytes`` (binary frame) for protobuf."""

    protocol: WebPubSubProtocolType
    reliable: bool
    encode: Callable[[m.Upstream], str | bytes]
    decode: Callable[[str | bytes], m.Downstream | None]
    supports_invoke: bool


def codec_for(protocol_type: object) -> Codec:
    """The codec of ``protocol_type`` (a ``WebPubSubProtocolType`` or its value).

    Raises ``ValueError`` naming the value when it is not one of the four subprotocols.
    """
    try:
        protocol = WebPubSubProtocolType(protocol_type)
    except ValueError:
        allowed = ", ".join(member.value for member in WebPubSubProtocolType)
        raise ValueError(f"protocol_type {protocol_type!r} is not one of {allowed}") from None
    reliable = protocol in (
        WebPubSubProtocolType.JSON_RELIABLE,
        WebPubSubProtocolType.PROTOBUF_RELIABLE,
    )
    if protocol in (WebPubSubProtocolType.JSON, WebPubSubProtocolType.JSON_RELIABLE):
        from . import _json_codec

        return Codec(protocol, reliable, _json_codec.encode, _json_codec.decode, True)
    # Imported only here: protobuf is needed only by the protobuf subprotocols.
    from .._extra import require_client_extra

    require_client_extra("google.protobuf")
    from . import _protobuf_codec

    return Codec(protocol, reliable, _protobuf_codec.encode, _protobuf_codec.decode, False)
