"""Values returned by the client."""

from __future__ import annotations

from typing import TypedDict

import attrs
from webpubsub_rest.spec_facts import ClientType as ClientProtocol
from webpubsub_rest.spec_facts import Permission

__all__ = ["ClientAccessToken", "ClientProtocol", "GroupMember", "Permission"]


@attrs.frozen(kw_only=True)
class GroupMember:
    """A connection in a group, as yielded by ``list_connections``.

    Attributes:
        connection_id: the connection's id.
        user_id: the user the connection authenticated as, or ``None`` for anonymous ones.
    """

    connection_id: str
    user_id: str | None = None


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
