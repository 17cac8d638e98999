"""The ``User-Agent`` header, composed as azure-core's UserAgentPolicy does."""

from __future__ import annotations

import os
import platform
from functools import lru_cache

#: Extra text appended to every User-Agent when set (the azure-core convention).
USER_AGENT_ENV = "AZURE_HTTP_USER_AGENT"


@lru_cache(maxsize=1)
def base_user_agent() -> str:
    """``webpubsub/<version> Python/<x.y> (<platform>)``."""
    python = ".".join(platform.python_version_tuple()[:2])
    return f"webpubsub/{_version()} Python/{python} ({platform.platform()})"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("webpubsub")
    except PackageNotFoundError:
        # A source checkout that was never installed.
        return "0+unknown"


def compose(application_id: str | None, *, overwrite: bool = False) -> str:
    """The header value: ``application_id`` alone when ``overwrite``, else put in front of the
    base value; ``$AZURE_HTTP_USER_AGENT`` is appended unless overwritten."""
    if application_id and overwrite:
        return application_id
    value = f"{application_id} {base_user_agent()}" if application_id else base_user_agent()
    extra = os.environ.get(USER_AGENT_ENV)
    return f"{value} {extra}" if extra else value
