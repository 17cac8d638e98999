"""``import webpubsub`` and building a client load nothing heavy: the operation builders, the
generated client, PyJWT and httpx's connection pool arrive with the first call."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from webpubsub_emulator.server import EmulatorServer

_PROBE = """
import json, sys

def loaded():
    return sorted(
        name
        for name in (
            "httpx", "httpcore", "jwt", "webpubsub_rest.api", "webpubsub_rest.models",
            "webpubsub._client",
        )
        if name in sys.modules
    )

seen = {}
import webpubsub
seen["import"] = loaded()
from webpubsub import WebPubSubServiceClient
client = WebPubSubServiceClient.from_connection_string(%(connection_string)r, hub=%(hub)r)
seen["client"] = loaded()
client.send_to_all({"n": 1})
seen["first call"] = loaded()
client.close()
print(json.dumps(seen))
"""


def test_heavy_modules_load_on_first_call_not_on_import(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    program = _PROBE % {
        "connection_string": webpubsub_emulator.connection_string,
        "hub": webpubsub_hub,
    }
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["import"] == []
    assert seen["client"] == ["httpx", "webpubsub._client"]
    # The generated package's spec facts (a few constants) load with the client; its
    # operations and models only with the first call.
    assert seen["first call"] == [
        "httpcore",
        "httpx",
        "jwt",
        "webpubsub._client",
        "webpubsub_rest.api",
        "webpubsub_rest.models",
    ]


def test_lazy_exports_are_the_real_objects() -> None:
    import webpubsub
    import webpubsub.aio
    from webpubsub import _client, exceptions
    from webpubsub.aio import _client as aio_client

    assert webpubsub.WebPubSubServiceClient is _client.WebPubSubServiceClient
    assert webpubsub.HttpResponseError is exceptions.HttpResponseError
    assert webpubsub.aio.WebPubSubServiceClient is aio_client.WebPubSubServiceClient
    assert set(webpubsub.__all__) <= set(dir(webpubsub))
    try:
        webpubsub.NoSuchName  # noqa: B018
    except AttributeError as error:
        assert "NoSuchName" in str(error)
    else:
        raise AssertionError("unknown names must raise AttributeError")
