"""Derive the spec variant that scripts/regen.sh feeds to openapi-python-client.

openapi/webpubsub.json describes the wire truthfully: the four send operations take a
text/plain string, any JSON value, or raw octets. The pinned generator cannot express that:
it rejects text/plain, and it picks the branch for a multi-content-type body with
``isinstance(body, <type>)``, which raises TypeError for an "any JSON value" (``Any``) schema.

This view therefore gives each send content type its own Python type, all sent verbatim:

* ``text/plain``               -> ``TextMessage(payload=str)``; httpx encodes the str as UTF-8.
* ``application/json``         -> ``JsonMessage(payload=str)``; payload is JSON text the
  caller has already serialized.
* ``application/octet-stream`` -> ``File(payload=<binary file object>)``.

generator-config.yaml maps text/plain and application/json to application/octet-stream, so the
generated code passes ``body.payload`` as raw content and still sets the original Content-Type.
Because that mapping applies to every use of the exact string "application/json", every other
JSON body and response is relabelled "application/json; charset=utf-8" here (same media type,
so the generator still parses and serializes those as JSON).

The error (``default``) response loses its body schema in this view: generated code would
otherwise call ``response.json()`` on every failure and crash on the empty or non-JSON bodies
that proxies and auth failures produce. Callers read ``Response.content`` on failures and may
parse it with the still-generated ``ErrorDetail`` model.

Usage: python generator_view.py SPEC_IN SPEC_OUT
"""

import json
import sys
from typing import Any

JSON = "application/json"
JSON_UTF8 = "application/json; charset=utf-8"
SEND_BODY = "Message"
ERROR_RESPONSE = "Error"


def _relabel_json(node: Any) -> Any:
    """Return node with every ``content`` key "application/json" renamed to JSON_UTF8."""
    if isinstance(node, list):
        return [_relabel_json(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "content" and isinstance(value, dict):
            out[key] = {(JSON_UTF8 if k == JSON else k): _relabel_json(v) for k, v in value.items()}
        else:
            out[key] = _relabel_json(value)
    return out


def _payload_schema(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["payload"],
        "properties": {"payload": {"type": "string", "description": description}},
        "additionalProperties": False,
    }


def generator_view(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the generator's view of spec; spec itself is left unchanged."""
    view: dict[str, Any] = _relabel_json(spec)
    components = view["components"]
    components["schemas"]["TextMessage"] = _payload_schema(
        "Message text; sent UTF-8 encoded as text/plain."
    )
    components["schemas"]["JsonMessage"] = _payload_schema(
        "Message as JSON text, already serialized by the caller; sent as application/json."
    )
    components["responses"][ERROR_RESPONSE].pop("content")
    send_body = components["requestBodies"][SEND_BODY]
    send_body["content"] = {
        "text/plain": {"schema": {"$ref": "#/components/schemas/TextMessage"}},
        JSON: {"schema": {"$ref": "#/components/schemas/JsonMessage"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    }
    return view


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as src:
        spec = json.load(src)
    with open(argv[2], "w", encoding="utf-8") as dst:
        json.dump(generator_view(spec), dst, indent=2)
        dst.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
