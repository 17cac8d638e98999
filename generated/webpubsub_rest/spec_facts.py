"""Facts of the Web PubSub REST API, generated from openapi/webpubsub.json.

Do not edit: scripts/regen.sh rewrites this module (scripts/spec_facts.py writes it).
"""

from typing import Final, Literal

ApiVersion = Literal[
    "2020-10-01",
    "2021-08-01-preview",
    "2021-10-01",
    "2022-11-01",
    "2023-07-01",
    "2024-01-01",
    "2024-12-01",
]
Permission = Literal["sendToGroup", "joinLeaveGroup"]
ClientType = Literal["Default", "MQTT", "SocketIO"]

#: Every api-version the spec describes, oldest first.
API_VERSIONS: Final[tuple[ApiVersion, ...]] = (
    "2020-10-01",
    "2021-08-01-preview",
    "2021-10-01",
    "2022-11-01",
    "2023-07-01",
    "2024-01-01",
    "2024-12-01",
)
#: The api-version requests carry unless the caller picks another.
DEFAULT_API_VERSION: Final[ApiVersion] = "2024-12-01"
#: Permissions a connection can be granted.
PERMISSIONS: Final[tuple[Permission, ...]] = (
    "sendToGroup",
    "joinLeaveGroup",
)
#: Kinds of client a client access token is issued for.
CLIENT_TYPES: Final[tuple[ClientType, ...]] = (
    "Default",
    "MQTT",
    "SocketIO",
)
DEFAULT_CLIENT_TYPE: Final[ClientType] = "Default"

#: Hub names match this (ECMA-262 / Python ``re`` compatible) pattern.
HUB_PATTERN: Final = "^[A-Za-z][A-Za-z0-9_`,.[\\]]{0,127}$"
HUB_RULE: Final = "Hub name: a letter, then up to 127 letters, digits or _ ` , . [ ]."
#: Group names: length bounds and a pattern refusing whitespace-only names.
GROUP_MIN_LENGTH: Final = 1
GROUP_MAX_LENGTH: Final = 1024
GROUP_PATTERN: Final = "^(?!\\s+$).+$"
GROUP_RULE: Final = "Group name, 1 to 1024 characters, not only whitespace."
#: messageTtlSeconds bounds, in seconds.
MESSAGE_TTL_SECONDS_MIN: Final = 0
MESSAGE_TTL_SECONDS_MAX: Final = 300
#: maxpagesize and top bounds of the group members listing.
MAX_PAGE_SIZE_MIN: Final = 1
MAX_PAGE_SIZE_MAX: Final = 200
TOP_MIN: Final = 1
TOP_MAX: Final = 2147483647
#: minutesToExpire of a client access token: lower bound and default, in minutes.
MINUTES_TO_EXPIRE_MIN: Final = 1
MINUTES_TO_EXPIRE_DEFAULT: Final = 60

#: operationId -> the first api-version that has the operation.
OPERATION_SINCE: Final[dict[str, ApiVersion]] = {
    "addConnectionToGroup": "2020-10-01",
    "addConnectionsToGroups": "2023-07-01",
    "addUserToGroup": "2020-10-01",
    "checkPermission": "2020-10-01",
    "closeAllConnections": "2021-10-01",
    "closeConnection": "2020-10-01",
    "closeGroupConnections": "2021-10-01",
    "closeUserConnections": "2021-10-01",
    "connectionExists": "2020-10-01",
    "generateClientToken": "2021-08-01-preview",
    "getServiceStatus": "2020-10-01",
    "grantPermission": "2020-10-01",
    "groupExists": "2020-10-01",
    "listConnectionsInGroup": "2024-12-01",
    "removeConnectionFromAllGroups": "2022-11-01",
    "removeConnectionFromGroup": "2020-10-01",
    "removeConnectionsFromGroups": "2023-07-01",
    "removeUserFromAllGroups": "2020-10-01",
    "removeUserFromGroup": "2020-10-01",
    "revokePermission": "2020-10-01",
    "sendToAll": "2020-10-01",
    "sendToConnection": "2020-10-01",
    "sendToGroup": "2020-10-01",
    "sendToUser": "2020-10-01",
    "userExists": "2020-10-01",
}
