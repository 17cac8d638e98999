"""How much work each benchmark does: the default run and the ``--quick`` smoke run."""

from __future__ import annotations

import attrs


@attrs.frozen
class Settings:
    """Sizes of one run. Counts are operations; ``*_rounds`` are interleaved timing rounds."""

    sync_calls: int
    sync_rounds: int
    async_calls: int
    async_rounds: int
    async_in_flight: int
    async_growth_widths: tuple[int, ...]
    async_growth_rounds: int
    token_calls: int
    token_rounds: int
    import_runs: int
    fanout_clients: int
    fanout_messages: int
    fanout_rounds: int
    fanout_growth_clients: tuple[int, ...]
    fanout_growth_deliveries: int
    memory_connections: tuple[int, ...]
    memory_groups: int
    warmup_calls: int
    client_sends: int
    client_serial_sends: int
    client_rounds: int
    client_backlog: int
    client_receive_rounds: int
    client_idle_clients: int
    quick: bool


# The default run is sized to finish well inside 10 minutes on a 2-core machine.
DEFAULT = Settings(
    sync_calls=1500,
    sync_rounds=7,
    async_calls=3000,
    async_rounds=5,
    async_in_flight=64,
    async_growth_widths=(1, 8, 64, 256),
    async_growth_rounds=3,
    token_calls=20000,
    token_rounds=11,
    import_runs=9,
    fanout_clients=1000,
    fanout_messages=300,
    fanout_rounds=5,
    fanout_growth_clients=(100, 1000, 5000, 10000),
    fanout_growth_deliveries=150_000,
    memory_connections=(1000, 5000),
    memory_groups=10,
    warmup_calls=200,
    client_sends=1000,
    # One at a time each send waits for its ack (20 ms in the emulator).
    client_serial_sends=200,
    client_rounds=3,
    # Below the emulator's 1000-message outbound queue per connection.
    client_backlog=800,
    client_receive_rounds=4,
    client_idle_clients=50,
    quick=False,
)

QUICK = Settings(
    sync_calls=100,
    sync_rounds=2,
    async_calls=256,
    async_rounds=2,
    async_in_flight=64,
    async_growth_widths=(1, 8, 64, 256),
    async_growth_rounds=1,
    token_calls=300,
    token_rounds=2,
    import_runs=3,
    fanout_clients=100,
    fanout_messages=20,
    fanout_rounds=1,
    fanout_growth_clients=(100, 300),
    fanout_growth_deliveries=5000,
    memory_connections=(200,),
    memory_groups=10,
    warmup_calls=20,
    client_sends=100,
    client_serial_sends=50,
    client_rounds=1,
    client_backlog=300,
    client_receive_rounds=2,
    client_idle_clients=10,
    quick=True,
)
