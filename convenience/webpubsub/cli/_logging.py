"""``--debug`` and ``WEBPUBSUB_LOG``: the SDK's log on stderr, with every secret masked.

``WEBPUBSUB_LOG=debug`` (or ``info``) works like ``--debug`` for any command, as
``OPENAI_LOG`` does for openai-python. The SDK already keeps the access key and tokens out
of its own records; :mod:`webpubsub._log_redaction` also masks what other libraries log (the
websockets client logs its URL, which carries ``access_token=``), and only the loggers it
masks are shown.
"""

from __future__ import annotations

import logging
import os
import sys

from webpubsub._log_redaction import REDACTED_LOGGERS
from webpubsub._log_redaction import install as redact_secrets_in_logs

LOG_ENV = "WEBPUBSUB_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


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
    """Send the SDK's (and its transports') records at ``level`` and above to stderr, each
    secret masked."""
    redact_secrets_in_logs()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("webpubsub: %(levelname)s %(name)s: %(message)s"))
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
