"""Microsoft's server-side peer: ``@azure/web-pubsub-express`` is the emulator's upstream
event handler, and our client's ``send_event`` and ``invoke_event`` reach it (sync and aio).
An invoke is a user event to the upstream; the handler's answer (``res.success(data,
dataType)`` or ``res.fail(code, detail)``) comes back as the ``invokeResponse``.

The npm packages are installed by this test into ``.cache/npm-tests/`` (gitignored).
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webpubsub import WebPubSubServiceClient
from webpubsub.client import WebPubSubClient, WebPubSubClientCredential
from webpubsub.client import aio as client_aio
from webpubsub.client.models import CallbackType, InvokeEventError, WebPubSubDataType
from webpubsub_emulator import EmulatorServer

from .conftest import ROLES, START_TIMEOUT, WAIT

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "npm-tests" / "webclient-express"
SCRIPT = Path(__file__).parent / "js" / "express_upstream.js"
# Pinned so a new release cannot change what the test proves.
PACKAGES = ("@azure/web-pubsub-express@1.0.6", "express@4.21.2")

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs node and npm")


@pytest.fixture(scope="module")
def node_modules() -> Path:
    modules = CACHE / "node_modules"
    stamp = CACHE / "installed.txt"
    if not (stamp.exists() and stamp.read_text() == "\n".join(PACKAGES)):
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "package.json").write_text('{"name": "webclient-express", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
            cwd=CACHE,
            check=True,
            timeout=300,
        )
        stamp.write_text("\n".join(PACKAGES))
    return modules


class ExpressUpstream:
    """The express handler in a node process; ``events`` holds the JSON lines it prints."""

    def __init__(self, modules: Path, hub: str) -> None:
        self.process = subprocess.Popen(
            ["node", str(SCRIPT), hub],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NODE_PATH": str(modules)},
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        ready = self.next()
        self.url = f"http://127.0.0.1:{ready['port']}{ready['path']}"

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def next(self) -> dict[str, Any]:
        try:
            return self.events.get(timeout=WAIT)
        except queue.Empty:
            self.process.kill()
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise AssertionError(f"express printed nothing; stderr: {stderr[-2000:]}") from None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def express_hub(
    node_modules: Path, webpubsub_emulator: EmulatorServer
) -> Iterator[tuple[ExpressUpstream, WebPubSubServiceClient]]:
    """A hub of its own whose upstream is the express handler."""
    hub = f"express_{uuid.uuid4().hex[:12]}"
    upstream = ExpressUpstream(node_modules, hub)
    webpubsub_emulator.set_event_handlers(hub, upstream.url)
    service = WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, hub
    )
    try:
        yield upstream, service
    finally:
        webpubsub_emulator.set_event_handlers(hub, [])
        service.close()
        upstream.stop()


def _url(service: WebPubSubServiceClient) -> str:
    return str(service.get_client_access_token(user_id="py", roles=ROLES)["url"])


def test_sync_send_event_and_invoke_event_reach_express(
    express_hub: tuple[ExpressUpstream, WebPubSubServiceClient],
) -> None:
    upstream, service = express_hub
    client = WebPubSubClient(
        WebPubSubClientCredential(lambda: _url(service)), start_timeout=START_TIMEOUT
    )
    with client:
        client.send_event("note", {"n": 1}, WebPubSubDataType.JSON)
        note = upstream.next()
        assert (note["event"], note["dataType"], note["data"], note["userId"]) == (
            "note",
            "json",
            {"n": 1},
            "py",
        )
        client.send_event("note", memoryview(b"\x00\xff"), WebPubSubDataType.BINARY, ack=False)
        assert upstream.next()["data"] == {"base64": "AP8="}

        answer = client.invoke_event("echo", "2 + 2", WebPubSubDataType.TEXT)
        assert (answer.data_type, answer.data) == (WebPubSubDataType.TEXT, "2 + 2")
        assert upstream.next()["event"] == "echo"
        answer = client.invoke_event("echo", {"q": [1, 2]}, WebPubSubDataType.JSON)
        assert (answer.data_type, answer.data) == (WebPubSubDataType.JSON, {"q": [1, 2]})
        upstream.next()

        with pytest.raises(InvokeEventError) as refused:
            client.invoke_event("fail", "x", WebPubSubDataType.TEXT)
        assert refused.value.error_detail is not None
        assert "express refuses fail" in refused.value.error_detail.message
        upstream.next()


async def test_aio_send_event_answer_arrives_and_invoke_returns(
    express_hub: tuple[ExpressUpstream, WebPubSubServiceClient],
) -> None:
    upstream, service = express_hub

    async def url() -> str:
        return await asyncio.to_thread(_url, service)

    client = client_aio.WebPubSubClient(
        client_aio.WebPubSubClientCredential(url), start_timeout=START_TIMEOUT
    )
    replies: asyncio.Queue[Any] = asyncio.Queue()
    await client.subscribe(CallbackType.SERVER_MESSAGE, replies.put_nowait)
    async with client:
        # A user event's answer goes back to the sender as a server message.
        await client.send_event("echo", "hello express", WebPubSubDataType.TEXT)
        reply = await asyncio.wait_for(replies.get(), WAIT)
        assert (reply.data_type, reply.data) == (WebPubSubDataType.TEXT, "hello express")
        answer = await client.invoke_event("echo", memoryview(b"\x01\x02"), "binary")
        assert answer.data_type == WebPubSubDataType.BINARY
        assert bytes(answer.data) == b"\x01\x02"
    assert [upstream.next()["event"] for _ in range(2)] == ["echo", "echo"]
