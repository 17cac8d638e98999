"""pytest plugin (entry point ``webpubsub_emulator``): fixtures that run the emulator.

* ``webpubsub_emulator`` - one ``EmulatorServer`` per session on an ephemeral loopback port.
* ``webpubsub_connection_string`` - its connection string (session-scoped, so fixtures of any
  scope can use it).
* ``webpubsub_hub`` - a hub name unique to the test, so tests sharing the session emulator
  never see each other's connections.
* ``fresh_webpubsub_emulator`` - a server of its own for one test.
* ``webpubsub_emulator_factory`` - ``factory(**kwargs)`` starts an ``EmulatorServer(**kwargs)``
  of the test's own (stopped at teardown), e.g.
  ``factory(event_handlers={"chat": "http://127.0.0.1:3000/eventhandler"})``.

Event handlers on the shared emulator: ``webpubsub_emulator.set_event_handlers(webpubsub_hub,
url)`` gives the test's own hub an upstream (see ``webpubsub_emulator.upstream``).

The plugin is registered whenever ``webpubsub`` is installed, with or without the
``webpubsub[emulator]`` extra. It imports nothing beyond pytest until one of its fixtures is
used, so it never breaks a project's test run; a fixture used without the extra fails that
test alone, with the install command in its message.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ._extra import EmulatorExtraMissingError, import_emulator_module

if TYPE_CHECKING:
    from .server import EmulatorServer


def _running_emulator(**kwargs: Any) -> EmulatorServer:
    try:
        server_module = import_emulator_module(".server")
    except EmulatorExtraMissingError as error:
        pytest.fail(str(error), pytrace=False)
    server: EmulatorServer = server_module.EmulatorServer(**kwargs)
    return server


@pytest.fixture(scope="session")
def webpubsub_emulator() -> Iterator[EmulatorServer]:
    with _running_emulator() as server:
        yield server


@pytest.fixture(scope="session")
def webpubsub_connection_string(webpubsub_emulator: EmulatorServer) -> str:
    return webpubsub_emulator.connection_string


@pytest.fixture
def webpubsub_hub(request: pytest.FixtureRequest) -> str:
    # Hub names allow letters, digits and _ only here; keep a readable prefix of the test name.
    readable = re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:80]
    return f"h_{readable}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fresh_webpubsub_emulator() -> Iterator[EmulatorServer]:
    with _running_emulator() as server:
        yield server


@pytest.fixture
def webpubsub_emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    started: list[EmulatorServer] = []

    def start(**kwargs: Any) -> EmulatorServer:
        server = _running_emulator(**kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
