"""``--profile``: pyinstrument profiles of each client's sync ``send_to_all`` loop.

Written as text next to the results so a slow path can be read off without re-running. The
emulator's own profiles come from ``EmulatorProcess(profile_path=...)``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from .emulator_process import EmulatorProcess
from .rest_sync import HUB, MESSAGE


def profile_clients(emulator: EmulatorProcess, out_dir: Path, calls: int) -> list[Path]:
    """Profile ``calls`` sends with our client and with the official one; return the files."""
    from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
    from pyinstrument import Profiler
    from webpubsub import WebPubSubServiceClient

    written = []
    with contextlib.ExitStack() as stack:
        clients: dict[str, Any] = {
            "webpubsub": stack.enter_context(
                WebPubSubServiceClient.from_connection_string(emulator.connection_string, hub=HUB)
            ),
            "official": stack.enter_context(
                OfficialClient.from_connection_string(emulator.connection_string, hub=HUB)
            ),
        }
        for name, client in clients.items():
            client.send_to_all(MESSAGE)  # connect outside the profile
            profiler = Profiler(interval=0.0001)
            with profiler:
                for _ in range(calls):
                    client.send_to_all(MESSAGE)
            path = out_dir / f"profile-client-sync-{name}.txt"
            path.write_text(profiler.output_text(unicode=True, show_all=False))
            written.append(path)
    return written
