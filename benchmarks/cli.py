"""Command line of ``python -m benchmarks``: choose benchmarks, run them, write the report."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from webpubsub_emulator import DEFAULT_ACCESS_KEY

from . import (
    client_imports,
    client_libraries,
    emulator_memory,
    fanout,
    imports,
    mqtt_fanout,
    report,
    rest_async,
    rest_sync,
    tokens,
)
from .emulator_process import EmulatorProcess
from .machine import describe
from .plot import draw
from .profiles import profile_clients
from .results import BenchmarkResult
from .settings import DEFAULT, QUICK, Settings

NAMES = (
    "sync",
    "async",
    "tokens",
    "import",
    "fanout",
    "mqtt",
    "memory",
    "client",
    "client_memory",
    "client_import",
)
#: ``--only`` shorthands for several benchmarks.
GROUPS = {"clients": ("client", "client_memory", "client_import")}
_PACKAGE_DIR = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; 0 if all ran (targets missed or not), 1 if any failed."""
    args = _parser().parse_args(argv)
    settings = QUICK if args.quick else DEFAULT
    chosen = _chosen(args.only)
    out_dir = _out_dir(args)
    out_dir.mkdir(parents=True, exist_ok=True)
    machine = describe()
    started = time.perf_counter()
    results: list[BenchmarkResult] = []
    failures: list[str] = []
    with contextlib.ExitStack() as stack:
        # One emulator process for the REST benchmarks, a fresh one for fan-out.
        rest_emulator = _lazy(
            stack, lambda: EmulatorProcess(_profile(args, out_dir, "profile-emulator-rest.txt"))
        )
        # The client libraries get an emulator of their own (their sockets stay open).
        client_emulator = _lazy(
            stack, lambda: EmulatorProcess(None, ack_delay=client_libraries.ACK_DELAY_SECONDS)
        )
        no_delay_emulator = _lazy(stack, lambda: EmulatorProcess(None, ack_delay=0.0))
        runners: dict[str, Callable[[], BenchmarkResult | tuple[BenchmarkResult, ...]]] = {
            "sync": lambda: rest_sync.run(rest_emulator(), settings),
            "async": lambda: rest_async.run(rest_emulator(), settings),
            "tokens": lambda: tokens.run(DEFAULT_ACCESS_KEY, settings),
            "import": lambda: imports.run(settings),
            "fanout": lambda: _fanout(args, out_dir, settings),
            "mqtt": lambda: _mqtt_fanout(args, out_dir, settings),
            "memory": lambda: emulator_memory.run(settings),
            "client": lambda: client_libraries.run_work(
                client_emulator(), no_delay_emulator(), settings
            ),
            "client_memory": lambda: client_libraries.run_memory(client_emulator(), settings),
            "client_import": lambda: client_imports.run(settings),
        }
        for name in chosen:
            print(f"[{time.perf_counter() - started:6.1f}s] {name} ...", flush=True)
            try:
                outcome = runners[name]()
                results.extend(outcome if isinstance(outcome, tuple) else (outcome,))
            except Exception:
                failures.append(name)
                print(f"benchmark {name!r} failed:", file=sys.stderr)
                traceback.print_exc()
        if args.profile and "sync" in chosen:
            for path in profile_clients(rest_emulator(), out_dir, settings.sync_calls):
                print(f"profile written: {path}")
    elapsed = time.perf_counter() - started
    if results:
        _write(results, machine, args, settings, elapsed, out_dir, chosen)
    if failures:
        print(f"FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark webpubsub against the official SDK, raw httpx and the emulator.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small counts, a smoke run of well under a minute (written to a temporary "
        "directory unless --out is given, so committed results are not overwritten)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only these benchmarks (repeatable or comma-separated): "
        f"{', '.join(NAMES)}; 'clients' is client,client_memory,client_import",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"directory for RESULTS.md and results.png (default: {_PACKAGE_DIR})",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write pyinstrument profiles of the emulator and of both sync clients "
        "(profiling slows the emulator: numbers of such a run are not representative)",
    )
    return parser


def _chosen(only: list[str] | None) -> list[str]:
    if not only:
        return list(NAMES)
    names = [name.strip() for item in only for name in item.split(",") if name.strip()]
    names = [part for name in names for part in GROUPS.get(name, (name,))]
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {', '.join(NAMES)}")
    return [name for name in NAMES if name in names]


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out is not None:
        return Path(args.out)
    if args.quick:
        return Path(tempfile.mkdtemp(prefix="webpubsub-bench-"))
    return _PACKAGE_DIR


def _profile(args: argparse.Namespace, out_dir: Path, name: str) -> Path | None:
    return out_dir / name if args.profile else None


def _lazy(
    stack: contextlib.ExitStack, make: Callable[[], EmulatorProcess]
) -> Callable[[], EmulatorProcess]:
    """Start the emulator on first use only, and stop it when ``stack`` closes."""
    started: list[EmulatorProcess] = []

    def get() -> EmulatorProcess:
        if not started:
            started.append(stack.enter_context(make()))
        return started[0]

    return get


def _fanout(args: argparse.Namespace, out_dir: Path, settings: Settings) -> BenchmarkResult:
    with EmulatorProcess(_profile(args, out_dir, "profile-emulator-fanout.txt")) as emulator:
        return fanout.run(emulator, settings)


def _mqtt_fanout(args: argparse.Namespace, out_dir: Path, settings: Settings) -> BenchmarkResult:
    with EmulatorProcess(_profile(args, out_dir, "profile-emulator-mqtt.txt")) as emulator:
        return mqtt_fanout.run(emulator, settings)


def _write(
    results: list[BenchmarkResult],
    machine: dict[str, str],
    args: argparse.Namespace,
    settings: Settings,
    elapsed: float,
    out_dir: Path,
    chosen: list[str],
) -> None:
    command = "python -m benchmarks" + "".join(
        f" {flag}" for flag, on in (("--quick", args.quick), ("--profile", args.profile)) if on
    )
    if args.only:
        command += " --only " + ",".join(chosen)
    run = {
        "command": f"`{command}`",
        "kind": "quick smoke run (small counts)" if settings.quick else "full run",
        "wall time": f"{elapsed:.0f} s",
    }
    if args.profile:
        run["note"] = "profiled run: the emulator ran under pyinstrument, numbers are slower"
    print()
    print(report.text(results))
    (out_dir / "RESULTS.md").write_text(report.markdown(results, machine, run))
    draw(results, out_dir / "results.png")
    print(f"\nwrote {out_dir / 'RESULTS.md'} and {out_dir / 'results.png'} ({elapsed:.0f} s)")
