"""Values returned by the client.

:class:`GroupMember` is the generated model of the spec's ``GroupMember`` schema (the paged
listing's items are parsed with the generated ``GroupMemberPage``), so its fields follow the
spec: ``user_id`` is :data:`UNSET` (falsy) when the service lists no user for the connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from webpubsub_rest.spec_facts import ClientType as ClientProtocol
from webpubsub_rest.spec_facts import Permission
from webpubsub_rest.types import UNSET, Unset

if TYPE_CHECKING:
    from webpubsub_rest.models import GroupMember

__all__ = ["UNSET", "ClientAccessToken", "ClientProtocol", "GroupMember", "Permission", "Unset"]


class ClientAccessToken(TypedDict):
    """What ``get_client_access_token`` returns.

    Keys:
        baseUrl: ``ws(s)://<host>/client/hubs/<hub>`` (or the MQTT / Socket.IO client path).
        token: the client access token (a JWT).
        url: ``<baseUrl>?access_token=<token>``, ready for a WebSocket client.
    """

    baseUrl: str
    token: str
    url: str


def __getattr__(name: str) -> Any:
    # The generated models load with the first listing (or this lookup), not with the client.
    if name != "GroupMember":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from webpubsub_rest.models import GroupMember

    globals()[name] = GroupMember
    return GroupMember
