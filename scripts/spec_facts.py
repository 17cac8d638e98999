"""Write ``webpubsub_rest/spec_facts.py``: the facts of openapi/webpubsub.json that hand-written
code checks against (api-versions, name rules, enums, numeric limits).

Run by scripts/regen.sh after the generator; the SDK, the emulator, the CLI and the tests import
the result instead of repeating any of these values.

Usage: python spec_facts.py SPEC_IN MODULE_OUT
"""

from __future__ import annotations

import json
import sys
from typing import Any

HEADER = '''"""Facts of the Web PubSub REST API, generated from openapi/webpubsub.json.

Do not edit: scripts/regen.sh rewrites this module (scripts/spec_facts.py writes it).
"""

from typing import Final, Literal
'''


def _parameter(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(spec["components"]["parameters"][name])


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(spec["components"]["schemas"][name])


def _literal(values: list[str]) -> str:
    return "Literal[" + ", ".join(json.dumps(value) for value in values) + "]"


def _tuple(values: list[str]) -> str:
    return "(" + "".join(json.dumps(value) + ", " for value in values) + ")"


def facts_module(spec: dict[str, Any]) -> str:
    """The module's source text."""
    versions = _schema(spec, "ApiVersion")
    permissions = _schema(spec, "Permission")
    client_types = _schema(spec, "ClientType")
    hub = _parameter(spec, "Hub")
    group = _parameter(spec, "Group")
    ttl = _parameter(spec, "MessageTtlSeconds")["schema"]
    page_size = _parameter(spec, "MaxPageSize")["schema"]
    top = _parameter(spec, "Top")["schema"]
    minutes = _parameter(spec, "MinutesToExpire")["schema"]
    since = {
        operation["operationId"]: operation["x-webpubsub-since"]
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    lines = [
        HEADER,
        f"ApiVersion = {_literal(versions['enum'])}",
        f"Permission = {_literal(permissions['enum'])}",
        f"ClientType = {_literal(client_types['enum'])}",
        "",
        "#: Every api-version the spec describes, oldest first.",
        f"API_VERSIONS: Final[tuple[ApiVersion, ...]] = {_tuple(versions['enum'])}",
        "#: The api-version requests carry unless the caller picks another.",
        f"DEFAULT_API_VERSION: Final[ApiVersion] = {json.dumps(versions['default'])}",
        "#: Permissions a connection can be granted.",
        f"PERMISSIONS: Final[tuple[Permission, ...]] = {_tuple(permissions['enum'])}",
        "#: Kinds of client a client access token is issued for.",
        f"CLIENT_TYPES: Final[tuple[ClientType, ...]] = {_tuple(client_types['enum'])}",
        f"DEFAULT_CLIENT_TYPE: Final[ClientType] = {json.dumps(client_types['default'])}",
        "",
        "#: Hub names match this (ECMA-262 / Python ``re`` compatible) pattern.",
        f"HUB_PATTERN: Final = {hub['schema']['pattern']!r}",
        f"HUB_RULE: Final = {hub['description']!r}",
        "#: Group names: length bounds and a pattern refusing whitespace-only names.",
        f"GROUP_MIN_LENGTH: Final = {group['schema']['minLength']}",
        f"GROUP_MAX_LENGTH: Final = {group['schema']['maxLength']}",
        f"GROUP_PATTERN: Final = {group['schema']['pattern']!r}",
        f"GROUP_RULE: Final = {group['description']!r}",
        "#: messageTtlSeconds bounds, in seconds.",
        f"MESSAGE_TTL_SECONDS_MIN: Final = {ttl['minimum']}",
        f"MESSAGE_TTL_SECONDS_MAX: Final = {ttl['maximum']}",
        "#: maxpagesize and top bounds of the group members listing.",
        f"MAX_PAGE_SIZE_MIN: Final = {page_size['minimum']}",
        f"MAX_PAGE_SIZE_MAX: Final = {page_size['maximum']}",
        f"TOP_MIN: Final = {top['minimum']}",
        f"TOP_MAX: Final = {top['maximum']}",
        "#: minutesToExpire of a client access token: lower bound and default, in minutes.",
        f"MINUTES_TO_EXPIRE_MIN: Final = {minutes['minimum']}",
        f"MINUTES_TO_EXPIRE_DEFAULT: Final = {minutes['default']}",
        "",
        "#: operationId -> the first api-version that has the operation.",
        "OPERATION_SINCE: Final[dict[str, ApiVersion]] = {",
        *(f"    {json.dumps(op)}: {json.dumps(version)}," for op, version in sorted(since.items())),
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as src:
        spec = json.load(src)
    with open(argv[2], "w", encoding="utf-8") as dst:
        dst.write(facts_module(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
