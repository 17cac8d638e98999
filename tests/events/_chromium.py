"""A tiny headless-Chromium driver over the Chrome DevTools protocol (``websockets`` only).

``Chromium`` starts Debian's ``chromium`` with a fresh profile and a DevTools port chosen by
the browser; ``open_page`` creates a tab and returns a ``Page`` whose ``evaluate`` runs an
expression (awaiting promises) in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests._installs import ensure_chromium

__all__ = ["Chromium", "Page", "ensure_chromium"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


class Page:
    def __init__(self, browser: Chromium, session_id: str) -> None:
        self._browser = browser
        self._session_id = session_id

    async def evaluate(self, expression: str, timeout: float = 15.0) -> Any:
        """The value of ``expression`` (promises awaited); AssertionError if it throws."""
        result = await self._browser.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session_id=self._session_id,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")


class Chromium:
    """One headless browser with a throwaway profile."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="chromium-profile-")
        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._socket: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._awaited_events: dict[tuple[str, str], asyncio.Future[None]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 30.0) -> None:
        port_file = Path(self._profile) / "DevToolsActivePort"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # The browser writes its DevTools port here once it listens; nothing to subscribe to.
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if self._process.poll() is not None or loop.time() > deadline:
                raise AssertionError("chromium did not start its DevTools endpoint")
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self._socket = await websockets.connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._socket is not None
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self._socket:
                message = json.loads(raw)
                if "id" not in message:
                    key = (message.get("method", ""), message.get("sessionId", ""))
                    awaited = self._awaited_events.pop(key, None)
                    if awaited is not None and not awaited.done():
                        awaited.set_result(None)
                    continue
                future = self._pending.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message)

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        timeout: float = 15.0,
    ) -> dict[str, Any]:
        assert self._socket is not None
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        request: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id is not None:
            request["sessionId"] = session_id
        await self._socket.send(json.dumps(request))
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        result: dict[str, Any] = reply["result"]
        return result

    async def open_page(self, url: str) -> Page:
        target = await self.call("Target.createTarget", {"url": "about:blank"})
        attached = await self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        session_id = attached["sessionId"]
        await self.call("Page.enable", session_id=session_id)
        loaded = asyncio.get_running_loop().create_future()
        self._awaited_events[("Page.loadEventFired", session_id)] = loaded
        await self.call("Page.navigate", {"url": url}, session_id=session_id)
        await asyncio.wait_for(loaded, 15)
        return Page(self, session_id)

    async def close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self.call("Browser.close", timeout=5)
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        shutil.rmtree(self._profile, ignore_errors=True)
