"""Waiting in the async client under whichever event loop runs it (asyncio or trio)."""

from __future__ import annotations


async def sleep(seconds: float) -> None:
    """Wait ``seconds`` without blocking the event loop, on asyncio and trio alike.

    anyio comes with httpx; it is imported here, on the first retry, not at import time.
    """
    import anyio

    await anyio.sleep(seconds)
