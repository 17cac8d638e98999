"""``webpubsub demo``: every SDK feature against real clients, checked and shown as a table.

Needs the ``webpubsub[emulator]`` extra (websockets, and the emulator when no connection
string is given).
"""

from __future__ import annotations

import asyncio
import sys
import time

from webpubsub.aio import WebPubSubServiceClient
from webpubsub.cli._style import wants_colour
from webpubsub.demo._report import render
from webpubsub.demo._scenario import Scenario
from webpubsub.demo._upstream import DemoUpstream


def run_demo(connection_string: str | None, hub: str) -> int:
    """Run the demo against ``connection_string``, or an in-process emulator when None.

    Prints the table of checks and the verdict line; returns 0 when every check passed,
    1 otherwise. Raises the SDK's InvalidArgumentError for a malformed connection string or
    hub, and its ServiceRequestError when the service cannot be reached.
    """
    if connection_string is not None:
        print(f"webpubsub demo: hub {hub!r} on the service of the given connection string")
        return _run(connection_string, hub)
    from webpubsub_emulator import EmulatorServer
    from webpubsub_emulator.upstream import EventHandlerSettings

    with EmulatorServer("127.0.0.1", port=0) as emulator:
        print(f"webpubsub demo: hub {hub!r} on the embedded emulator at {emulator.endpoint}")

        def point_to(url: str) -> None:
            # Only the user event "ask": the step's handler is the upstream of nothing else.
            emulator.set_event_handlers(hub, EventHandlerSettings(url, (), "ask"))

        return _run(
            emulator.connection_string, hub, DemoUpstream(emulator.connection_string, point_to)
        )


def _run(connection_string: str, hub: str, upstream: DemoUpstream | None = None) -> int:
    started = time.monotonic()
    scenario = asyncio.run(_scenario(connection_string, hub, upstream))
    print(render(scenario.checks, colour=wants_colour(sys.stdout)))
    print(f"({time.monotonic() - started:.1f} s)")
    return 0 if scenario.checks and all(c.passed for c in scenario.checks) else 1


async def _scenario(connection_string: str, hub: str, upstream: DemoUpstream | None) -> Scenario:
    async with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
        scenario = Scenario(service, hub, upstream)
        await scenario.run()
    return scenario
