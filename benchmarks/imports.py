"""Import time of the client class, each measurement in a fresh interpreter.

The target is on the import alone (what ``from <package> import WebPubSubServiceClient``
costs a process that may never send). A second series adds the first
``from_connection_string`` call, since a client that defers its heavy imports to the
constructor only moves the cost; it is reported, without a target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from .results import OFFICIAL, OURS, BenchmarkResult, Check, Series
from .settings import Settings

TARGET_VS_OFFICIAL = 0.5
PACKAGES = {OURS: "webpubsub", OFFICIAL: "azure.messaging.webpubsubservice"}
IMPORT_UNIT = "ms import"
CLIENT_UNIT = "ms import + first client"
# Timed inside the child so interpreter start-up (identical for both) is left out. The
# connection string is never contacted: constructing a client sends nothing.
_PROBE = """\
{prelude}
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

# httpx imports its command line (click, rich, pygments) whenever those are installed, as
# they are in the dev environment (pulled in by test tools) but usually not in production.
# Hiding them gives the import time a production install would see; reported as a note.
_HIDE_HTTPX_CLI = """\
import sys
class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("click", "rich", "pygments"):
            raise ImportError(name)
sys.meta_path.insert(0, _Hide())
"""


def run(settings: Settings) -> BenchmarkResult:
    """Medians over ``settings.import_runs`` fresh interpreters per package, interleaved."""
    for package in PACKAGES.values():
        _time_import(package)  # compiles any missing .pyc so no timed run pays for it
    imports: dict[str, list[float]] = {name: [] for name in PACKAGES}
    clients: dict[str, list[float]] = {name: [] for name in PACKAGES}
    for _ in range(settings.import_runs):
        for name, package in PACKAGES.items():
            import_ms, client_ms = _time_import(package)
            imports[name].append(import_ms)
            clients[name].append(client_ms)
    without_cli = statistics.median(
        _time_import(PACKAGES[OURS], hide_httpx_cli=True)[0] for _ in range(settings.import_runs)
    )
    ratio = statistics.median(imports[OURS]) / statistics.median(imports[OFFICIAL])
    client_ratio = statistics.median(clients[OURS]) / statistics.median(clients[OFFICIAL])
    return BenchmarkResult(
        name="import",
        title=f"import of WebPubSubServiceClient, {settings.import_runs} fresh interpreters each",
        series=(
            *(Series(n, IMPORT_UNIT, tuple(t), higher_is_better=False) for n, t in imports.items()),
            *(Series(n, CLIENT_UNIT, tuple(t), higher_is_better=False) for n, t in clients.items()),
        ),
        checks=(Check("import: ours / official time", ratio, TARGET_VS_OFFICIAL, False),),
        notes=(
            *(
                f"{name}: `from {package} import WebPubSubServiceClient`"
                for name, package in PACKAGES.items()
            ),
            f"import + first from_connection_string: ours / official = {client_ratio:.2f}x "
            "(no target)",
            f"ours without httpx's optional CLI dependencies (click, rich, pygments; installed "
            f"here by the dev extras): {without_cli:.1f} ms, "
            f"{without_cli / statistics.median(imports[OFFICIAL]):.2f}x official",
        ),
    )


def _time_import(package: str, *, hide_httpx_cli: bool = False) -> tuple[float, float]:
    """(import ms, import + construct ms) in a new interpreter; raises if the child fails."""
    prelude = _HIDE_HTTPX_CLI if hide_httpx_cli else ""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(package=package, prelude=prelude)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"importing {package} failed: {completed.stderr.strip()[-500:]}")
    import_ms, client_ms = completed.stdout.split()
    return float(import_ms), float(client_ms)
