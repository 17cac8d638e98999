"""The ``client`` extra: a clear message instead of a bare ImportError when it is missing."""

from __future__ import annotations

import importlib.util

INSTALL_HINT = "pip install 'webpubsub[client]'"


def require_client_extra(module: str) -> None:
    """Raise ``ImportError`` naming ``module`` and the install command when it is missing."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        found = False
    if not found:
        raise ImportError(
            f"webpubsub.client needs the {module!r} package, which the client extra installs: "
            f"{INSTALL_HINT}",
            name=module,
        )
