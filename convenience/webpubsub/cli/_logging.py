"""``--debug`` and ``WEBPUBSUB_LOG``: the SDK's log on stderr, with every secret masked.

``WEBPUBSUB_LOG=debug`` (or ``info``) works like ``--debug`` for any command, as
``OPENAI_LOG`` does for openai-python. The SDK already keeps the access key and tokens out
of its own records; the filter here also masks what other libraries log (the websockets
client logs its URL, which carries ``access_token=``).
"""

from __future__ import annotations

import logging
import os
import re
import sys

LOG_ENV = "WEBPUBSUB_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
#: Loggers whose records reach the user with ``--debug``.
_LOGGERS = ("webpubsub", "webpubsub_emulator", "websockets", "httpx", "httpcore", "uvicorn")

_SECRETS = (
    (re.compile(r"(access_token=)[^&\s'\"]+", re.IGNORECASE), r"\1***"),
    (re.compile(r"(accesskey\s*=\s*)[^;\s'\"]+", re.IGNORECASE), r"\1***"),
    (re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1***"),
)


def mask_secrets(text: str) -> str:
    """``text`` with access tokens in URLs, access keys and bearer tokens replaced by ***."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class SecretMaskingFilter(logging.Filter):
    """Renders each record's message once, masked, so no handler can print a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        return True


def level_from(debug_flag: bool) -> int | None:
    """The log level asked for by ``--debug`` or ``$WEBPUBSUB_LOG``; None when neither.

    Raises:
        ValueError: ``$WEBPUBSUB_LOG`` is set to something other than debug or info.
    """
    if debug_flag:
        return logging.DEBUG
    wanted = os.environ.get(LOG_ENV, "").strip().lower()
    if not wanted:
        return None
    if wanted not in _LEVELS:
        raise ValueError(f"{LOG_ENV}={wanted!r} is not a log level: use debug or info")
    return _LEVELS[wanted]


def enable(level: int) -> None:
    """Send the SDK's (and its transports') records at ``level`` and above to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("webpubsub: %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretMaskingFilter())
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
