"""Importing the server modules, with one clear message when the ``emulator`` extra is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

#: Third-party distributions the server modules need (the ``webpubsub[emulator]`` extra),
#: by the name of the module a missing one fails to import.
EXTRA_REQUIREMENTS = {
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "websockets": "websockets",
    "google": "protobuf",
    "google.protobuf": "protobuf",
}


class EmulatorExtraMissingError(ImportError):
    """The emulator's optional dependencies are not installed."""


def import_emulator_module(relative_name: str) -> ModuleType:
    """Import ``webpubsub_emulator<relative_name>``.

    Raises:
        EmulatorExtraMissingError: a dependency of the ``emulator`` extra is missing; the
            message names it and the install command.
    """
    try:
        return importlib.import_module(relative_name, "webpubsub_emulator")
    except ModuleNotFoundError as error:
        if error.name not in EXTRA_REQUIREMENTS:
            raise
        raise EmulatorExtraMissingError(
            f"the Web PubSub emulator needs {EXTRA_REQUIREMENTS[error.name]!r}, which is not "
            "installed: "
            "pip install 'webpubsub[emulator]'"
        ) from error
