"""``webpubsub token``: mint a client access token and print it."""

from __future__ import annotations

import json
from typing import Literal

from webpubsub import WebPubSubServiceClient
from webpubsub.models import ClientProtocol

CliClientProtocol = Literal["default", "mqtt", "socketio"]
CLIENT_PROTOCOLS: dict[CliClientProtocol, ClientProtocol] = {
    "default": "Default",
    "mqtt": "MQTT",
    "socketio": "SocketIO",
}


def print_token(
    connection_string: str,
    hub: str,
    *,
    user_id: str | None,
    roles: list[str] | None,
    groups: list[str] | None,
    minutes_to_expire: int,
    client_protocol: CliClientProtocol = "default",
    url_only: bool,
) -> None:
    """Print ``{"baseUrl", "token", "url"}`` as JSON, or only the URL when ``url_only``.

    ``client_protocol`` picks the endpoint the URL points at: ``/client/hubs/{hub}``
    (``default``), ``/clients/mqtt/hubs/{hub}`` for MQTT clients or
    ``/clients/socketio/hubs/{hub}``; ``minutes_to_expire`` is the lifetime in minutes.

    With an access key the token is signed locally, so nothing is sent. Raises the SDK's
    InvalidArgumentError for a malformed connection string, hub name or argument.
    """
    with WebPubSubServiceClient.from_connection_string(connection_string, hub) as client:
        token = client.get_client_access_token(
            user_id=user_id,
            roles=roles,
            groups=groups,
            minutes_to_expire=minutes_to_expire,
            client_protocol=CLIENT_PROTOCOLS[client_protocol],
        )
    print(token["url"] if url_only else json.dumps(token, indent=2))
