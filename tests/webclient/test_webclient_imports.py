"""``import webpubsub`` stays light: the client library loads only when imported, and a JSON
client never loads protobuf."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
seen = {}
import webpubsub
seen["webpubsub"] = sorted(n for n in ("webpubsub.client", "websockets") if n in sys.modules)
from webpubsub.client import WebPubSubClient
WebPubSubClient("ws://127.0.0.1:9/client/hubs/h", protocol_type="json.webpubsub.azure.v1")
seen["json client"] = "google.protobuf" in sys.modules
print(json.dumps(seen))
"""


def test_the_client_loads_on_demand_and_json_needs_no_protobuf() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"webpubsub": [], "json client": False}
