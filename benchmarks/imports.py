"""Import time of the client class plus its first client, each in a fresh interpreter.

Measured in production-like venvs (``production_venvs``: runtime dependencies only, no dev
extras). The target is on the import and the first ``from_connection_string`` together: a
client that defers its heavy imports to the constructor only moves the cost. The import
alone is reported beside it.
"""

from __future__ import annotations

import statistics

from . import production_venvs
from .production_venvs import Interpreter
from .results import OFFICIAL, OURS, BenchmarkResult, Check, Series
from .settings import Settings

TARGET_VS_OFFICIAL = 1.0
PACKAGES = {OURS: "webpubsub", OFFICIAL: "azure.messaging.webpubsubservice"}
IMPORT_UNIT = "ms import"
CLIENT_UNIT = "ms import + first client"
# Timed inside the child so interpreter start-up (identical for both) is left out. The
# connection string is never contacted: constructing a client sends nothing.
_PROBE = """\
import time
started = time.perf_counter()
from {package} import WebPubSubServiceClient
imported = time.perf_counter()
WebPubSubServiceClient.from_connection_string(
    "Endpoint=http://127.0.0.1:9;AccessKey=bm90LWEtcmVhbC1rZXktbm90LWEtcmVhbC1rZXk=;Version=1.0;",
    hub="hub",
)
constructed = time.perf_counter()
print((imported - started) * 1000.0, (constructed - started) * 1000.0)
"""


def run(settings: Settings) -> BenchmarkResult:
    """Medians over ``settings.import_runs`` fresh interpreters per package, interleaved."""
    interpreters = {OURS: production_venvs.ours(), OFFICIAL: production_venvs.official()}
    for name, package in PACKAGES.items():
        _time_import(interpreters[name], package)  # compiles missing .pyc files untimed
    imports: dict[str, list[float]] = {name: [] for name in PACKAGES}
    clients: dict[str, list[float]] = {name: [] for name in PACKAGES}
    for _ in range(settings.import_runs):
        for name, package in PACKAGES.items():
            import_ms, client_ms = _time_import(interpreters[name], package)
            imports[name].append(import_ms)
            clients[name].append(client_ms)
    ratio = statistics.median(imports[OURS]) / statistics.median(imports[OFFICIAL])
    client_ratio = statistics.median(clients[OURS]) / statistics.median(clients[OFFICIAL])
    return BenchmarkResult(
        name="import",
        title=f"import of WebPubSubServiceClient, {settings.import_runs} fresh interpreters each",
        series=(
            *(Series(n, IMPORT_UNIT, tuple(t), higher_is_better=False) for n, t in imports.items()),
            *(Series(n, CLIENT_UNIT, tuple(t), higher_is_better=False) for n, t in clients.items()),
        ),
        checks=(
            Check(
                "import + first client: ours / official time",
                client_ratio,
                TARGET_VS_OFFICIAL,
                False,
            ),
        ),
        notes=(
            *(
                f"{name}: `from {package} import WebPubSubServiceClient`, then "
                "`from_connection_string`"
                for name, package in PACKAGES.items()
            ),
            f"import alone: ours / official = {ratio:.2f}x (no target)",
            "production venvs: ours has only its runtime dependencies "
            f"({', '.join(production_venvs.runtime_requirements())}), official only "
            f"{production_venvs.OFFICIAL_REQUIREMENT} and its dependencies",
        ),
    )


def _time_import(interpreter: Interpreter, package: str) -> tuple[float, float]:
    """(import ms, import + construct ms) in a new interpreter; raises if the child fails."""
    import_ms, client_ms = interpreter.run_probe(
        _PROBE.format(package=package), f"importing {package}"
    )
    return float(import_ms), float(client_ms)
