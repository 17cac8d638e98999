"""Waiting for what a demo client has received to reach a state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Changes:
    """Told each time a demo client's received state changes; lets the scenario wait for a
    condition on that state."""

    def __init__(self) -> None:
        self._condition = asyncio.Condition()

    async def notify(self) -> None:
        """Wake every ``wait_until`` so it checks its condition again."""
        async with self._condition:
            self._condition.notify_all()

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds; False if it still does not after ``timeout`` s."""
        async with self._condition:
            try:
                await asyncio.wait_for(self._condition.wait_for(condition), timeout)
            except asyncio.TimeoutError:
                return False
        return True
