"""``webpubsub token``: mint a client access token and print it."""

from __future__ import annotations

import json

from webpubsub import WebPubSubServiceClient


def print_token(
    connection_string: str,
    hub: str,
    *,
    user_id: str | None,
    roles: list[str] | None,
    groups: list[str] | None,
    minutes_to_expire: int,
    url_only: bool,
) -> None:
    """Print ``{"baseUrl", "token", "url"}`` as JSON, or only the URL when ``url_only``.

    With an access key the token is signed locally, so nothing is sent. Raises the SDK's
    InvalidArgumentError for a malformed connection string, hub name or argument.
    """
    with WebPubSubServiceClient.from_connection_string(connection_string, hub) as client:
        token = client.get_client_access_token(
            user_id=user_id, roles=roles, groups=groups, minutes_to_expire=minutes_to_expire
        )
    print(token["url"] if url_only else json.dumps(token, indent=2))
