"""A migrating app's ``except azure.core.exceptions...`` clauses keep catching our errors,
and apps that never load azure-core do not pay for it. Each scenario runs in a fresh
interpreter, so what is imported is exactly what the script imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from webpubsub_emulator import EmulatorServer

#: The error path of the official samples, with its import line switched (or not).
WRONG_KEY_SAMPLE = """
import sys
from azure.core.exceptions import HttpResponseError
from {module} import WebPubSubServiceClient

client = WebPubSubServiceClient.from_connection_string(sys.argv[1], hub="sample")
try:
    client.send_to_all({{"Hello": "all!"}})
    print("Successfully sent a JSON message")
except HttpResponseError as e:
    print("Failed to send JSON message: {{}}".format(e.status_code))
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("module", ["webpubsub", "azure.messaging.webpubsubservice"])
def test_the_wrong_access_key_sample_prints_its_error(
    module: str, webpubsub_emulator: EmulatorServer
) -> None:
    wrong = f"Endpoint={webpubsub_emulator.endpoint};AccessKey={'x' * 44};Version=1.0;"
    result = _run(WRONG_KEY_SAMPLE.format(module=module), wrong)
    assert (result.returncode, result.stdout) == (0, "Failed to send JSON message: 401\n"), (
        result.stderr
    )


def test_every_error_kind_is_caught_by_its_azure_core_clause(
    webpubsub_emulator: EmulatorServer,
) -> None:
    script = """
    import socket, sys
    import azure.core.exceptions as core
    import webpubsub

    good = webpubsub.WebPubSubServiceClient.from_connection_string(sys.argv[1], hub="h")
    bad = webpubsub.WebPubSubServiceClient.from_connection_string(
        sys.argv[1].replace("AccessKey=", "AccessKey=x"), hub="h"
    )
    try:
        bad.send_to_all("x")
    except core.ClientAuthenticationError as e:
        assert type(e) is webpubsub.ClientAuthenticationError and e.status_code == 401
        assert e.response.status_code == 401 and "401" in str(e)
        print("401 ok")
    try:
        good.add_connection_to_group("g", "no-such-connection")
    except core.ResourceNotFoundError as e:
        assert type(e) is webpubsub.ResourceNotFoundError
        print("404 ok")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    gone = webpubsub.WebPubSubServiceClient(
        f"http://127.0.0.1:{port}", "h", webpubsub.AzureKeyCredential("k"), retry_total=0
    )
    try:
        gone.send_to_all("x")
    except core.ServiceRequestError as e:
        assert type(e) is webpubsub.ServiceRequestError
        print("unreachable ok")
    """
    result = _run(script, webpubsub_emulator.connection_string)
    assert result.stdout.split("\n") == ["401 ok", "404 ok", "unreachable ok", ""], result.stderr


def test_azure_core_is_never_imported_by_webpubsub(webpubsub_emulator: EmulatorServer) -> None:
    script = """
    import sys
    import webpubsub, webpubsub.aio
    bad = webpubsub.WebPubSubServiceClient.from_connection_string(
        sys.argv[1].replace("AccessKey=", "AccessKey=x"), hub="h"
    )
    try:
        bad.send_to_all("x")
    except webpubsub.ClientAuthenticationError as e:
        assert type(e) is webpubsub.ClientAuthenticationError
    assert not [m for m in sys.modules if m.startswith("azure")], "azure imported"
    print("ok")
    """
    result = _run(script, webpubsub_emulator.connection_string)
    assert result.stdout == "ok\n", result.stderr
