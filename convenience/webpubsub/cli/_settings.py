"""Where the connection string and hub come from: the command line first, then the environment."""

from __future__ import annotations

import argparse
import os

from webpubsub.cli._errors import CliError

CONNECTION_STRING_ENV = "WEBPUBSUB_CONNECTION_STRING"
HUB_ENV = "WEBPUBSUB_HUB"
DEFAULT_HUB = "demo"


def optional_connection_string(args: argparse.Namespace) -> str | None:
    """``--connection-string`` if given, else ``$WEBPUBSUB_CONNECTION_STRING``, else None."""
    given: str | None = getattr(args, "connection_string", None)
    return given if given is not None else os.environ.get(CONNECTION_STRING_ENV) or None


def required_connection_string(args: argparse.Namespace) -> str:
    """Like :func:`optional_connection_string`, but a missing value is a :class:`CliError`."""
    connection_string = optional_connection_string(args)
    if connection_string is None:
        raise CliError(
            f"no connection string: pass --connection-string or set {CONNECTION_STRING_ENV} "
            "(run 'webpubsub emulator' for a local service that prints one)"
        )
    return connection_string


def hub(args: argparse.Namespace) -> str:
    """``--hub`` if given, else ``$WEBPUBSUB_HUB``, else ``"demo"``."""
    given: str | None = getattr(args, "hub", None)
    return given if given is not None else os.environ.get(HUB_ENV) or DEFAULT_HUB
