"""How the CLI reports failures: one line on stderr, never a traceback, never the key."""

from __future__ import annotations

import re
from collections.abc import Generator
from contextlib import contextmanager

# Top-level import names of what each optional extra installs (protobuf imports as google).
_EXTRA_PACKAGES = {
    "emulator": frozenset({"websockets", "starlette", "uvicorn", "httptools", "google"}),
    "client": frozenset({"websockets", "google"}),
}

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
def requires_extras(feature: str, *extras: str) -> Generator[None, None, None]:
    """Turn the ImportError of a package that ``extras`` install into a CliError naming the
    install command.

    ``feature`` names what the user asked for, e.g. ``"webpubsub listen"``; ``extras`` the
    extras it needs, e.g. ``"client"``.
    """
    try:
        yield
    except ImportError as exc:
        package = (exc.name or "").partition(".")[0]
        if not any(package in _EXTRA_PACKAGES[extra] for extra in extras):
            raise
        raise CliError(
            f"{feature} needs the optional package '{package}', which is not installed; "
            f"install the extra: pip install 'webpubsub[{','.join(extras)}]'"
        ) from None
