"""The chat example (examples/chat) in two headless Chromium pages on the emulator."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from webpubsub_emulator import EmulatorServer

from ._chromium import Chromium, Page, ensure_chromium

CHAT_APP = Path(__file__).resolve().parents[2] / "examples" / "chat" / "app.py"


def _chat_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chat_example_app", CHAT_APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return ensure_chromium()


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Chromium]:
    chromium = Chromium(chromium_path)
    try:
        await chromium.start()
        yield chromium
    finally:
        await chromium.close()


async def _connected(page: Page) -> None:
    await page.evaluate(
        """new Promise((resolve, reject) => {
            const done = () => document.body.dataset.connected === "true";
            if (done()) return resolve(true);
            new MutationObserver(() => done() && resolve(true))
                .observe(document.body, {attributes: true});
            const status = () => document.getElementById("status").textContent;
            setTimeout(() => reject(new Error(status())), 10000);
        })"""
    )


async def _line_appears(page: Page, text: str) -> list[str]:
    """Wait until the message list shows ``text``; return the whole list."""
    return await page.evaluate(  # type: ignore[no-any-return]
        """((text) => new Promise((resolve, reject) => {
            const list = document.getElementById("messages");
            const lines = () => [...list.children].map((li) => li.textContent);
            if (lines().includes(text)) return resolve(lines());
            new MutationObserver(() => lines().includes(text) && resolve(lines()))
                .observe(list, {childList: true});
            setTimeout(() => reject(new Error("missing " + text + " in " + lines())), 10000);
        }))"""
        + f"({json.dumps(text)})"
    )


async def _say(page: Page, text: str) -> None:
    await page.evaluate(
        f"document.getElementById('text').value = {json.dumps(text)};"
        "document.getElementById('send-button').click(); true"
    )


async def test_two_browsers_chat_through_the_handler(
    browser: Chromium, webpubsub_emulator: EmulatorServer, webpubsub_hub: str, serve_asgi: Any
) -> None:
    app = _chat_module().create_app(webpubsub_emulator.connection_string, hub=webpubsub_hub)
    base = serve_asgi(app)
    webpubsub_emulator.set_event_handlers(webpubsub_hub, base + "/eventhandler")
    try:
        ann = await browser.open_page(base + "/?name=ann")
        bob = await browser.open_page(base + "/?name=bob")
        await _connected(ann)
        await _connected(bob)
        await _say(ann, "hello bob")
        await _line_appears(ann, "delivered: hello bob")  # the handler's reply
        await _line_appears(bob, "ann: hello bob")  # the REST broadcast
        await _say(bob, "hi ann")
        bob_lines = await _line_appears(bob, "delivered: hi ann")
        ann_lines = await _line_appears(ann, "bob: hi ann")
        # Each line arrived once, the broadcast before the receipt (the handler sends it before
        # it answers); receipts went only to their sender.
        assert ann_lines == ["ann: hello bob", "delivered: hello bob", "bob: hi ann"]
        assert bob_lines == ["ann: hello bob", "bob: hi ann", "delivered: hi ann"]
    finally:
        webpubsub_emulator.set_event_handlers(webpubsub_hub, [])
