"""pytest plugin (entry point ``webpubsub_emulator``): fixtures that run the emulator.

* ``webpubsub_emulator`` - one ``EmulatorServer`` per session on an ephemeral loopback port.
* ``webpubsub_connection_string`` - its connection string.
* ``webpubsub_hub`` - a hub name unique to the test, so tests sharing the session emulator
  never see each other's connections.
* ``fresh_webpubsub_emulator`` - a server of its own for one test.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from .server import EmulatorServer


@pytest.fixture(scope="session")
def webpubsub_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def webpubsub_connection_string(webpubsub_emulator: EmulatorServer) -> str:
    return webpubsub_emulator.connection_string


@pytest.fixture
def webpubsub_hub(request: pytest.FixtureRequest) -> str:
    # Hub names allow letters, digits and _ only here; keep a readable prefix of the test name.
    readable = re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:80]
    return f"h_{readable}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fresh_webpubsub_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server
