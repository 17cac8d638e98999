"""A description of the machine and software a run happened on, for RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "webpubsub",
    "azure-messaging-webpubsubservice",
    "azure-core",
    "requests",
    "aiohttp",
    "httpx",
    "PyJWT",
    "attrs",
    "starlette",
    "uvicorn",
    "websockets",
)


def describe() -> dict[str, str]:
    """CPU model, cores, RAM, Python, OS, date (UTC), load average, package versions."""
    facts = {
        "CPU": _cpu_model(),
        "cores (logical)": str(os.cpu_count() or "unknown"),
        "RAM": _memory(),
        "Python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "OS": platform.platform(),
        "date (UTC)": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
    }
    if hasattr(os, "getloadavg"):
        facts["load average at start (1/5/15 min)"] = " / ".join(
            f"{value:.2f}" for value in os.getloadavg()
        )
    for package in PACKAGES:
        try:
            facts[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            facts[package] = "not installed"
    return facts


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def _memory() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{total / 1024**3:.1f} GiB"
