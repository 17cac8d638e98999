"""How the CLI reports failures: one line on stderr, never a traceback, never the key."""

from __future__ import annotations

import re
from collections.abc import Generator
from contextlib import contextmanager

EXTRA_INSTALL_HINT = "pip install 'webpubsub[emulator]'"

# Packages that only the optional ``webpubsub[emulator]`` extra installs.
_EXTRA_PACKAGES = frozenset({"websockets", "starlette", "uvicorn"})

_ACCESS_KEY = re.compile(r"accesskey\s*=\s*([^;]*)", re.IGNORECASE)


class CliError(Exception):
    """A failure the user can act on; the CLI prints its message and exits with 1."""


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) so a message fits on one line."""
    return " ".join(text.split())


def redact(text: str, connection_string: str | None) -> str:
    """Replace the access key of ``connection_string``, wherever it occurs in ``text``, by ***.

    Our SDK never puts the key in a message; this is the last line of defence for messages
    coming from anywhere else (argparse echoing a value, an OS error quoting a path, ...).
    """
    if not connection_string:
        return text
    match = _ACCESS_KEY.search(connection_string)
    key = match.group(1).strip() if match else ""
    return text.replace(key, "***") if key else text


@contextmanager
def requires_emulator_extra(feature: str) -> Generator[None, None, None]:
    """Turn the ImportError of a missing optional package into a CliError naming the extra.

    ``feature`` names what the user asked for, e.g. ``"webpubsub listen"``.
    """
    try:
        yield
    except ImportError as exc:
        package = (exc.name or "").partition(".")[0]
        if package not in _EXTRA_PACKAGES:
            raise
        raise CliError(
            f"{feature} needs the optional package '{package}', which is not installed; "
            f"install the extra: {EXTRA_INSTALL_HINT}"
        ) from None
