"""Keep access keys and client access tokens out of log output, DEBUG included.

The WebSocket and HTTP libraries log the URLs they open (``...?access_token=<jwt>``) and, at
DEBUG, the request headers. ``install()`` makes every log record of those libraries (and of
ours) carry each secret replaced by ``***``, whatever handler or level the application
configured. Used by the emulator and by the CLI, whose ``--debug`` shows these loggers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Loggers (and their children) whose records can carry a URL, an Authorization header or a
# connection string.
REDACTED_LOGGERS = ("websockets", "uvicorn", "httpx", "httpcore", "webpubsub", "webpubsub_emulator")
_SECRET = re.compile(
    r"(?P<head>(?:access_token|awps_reconnection_token)=|AccessKey\s*=\s*|Bearer\s+)"
    r"[^&\s'\"#,;)]+",
    re.IGNORECASE,
)
_installed = False


def redact(text: str) -> str:
    """``text`` with the values of ``access_token=`` / ``awps_reconnection_token=`` query
    parameters, of a connection string's ``AccessKey=`` and of ``Bearer`` credentials
    replaced by ``***``."""
    return _SECRET.sub(r"\g<head>***", text)


def _concerned(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in REDACTED_LOGGERS)


def install() -> None:
    """Redact the records of ``REDACTED_LOGGERS`` from now on (idempotent, process-wide).

    Works at record creation, so it also covers child loggers and handlers added later.
    """
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _concerned(record.name):
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call: left for the handler to report
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None:
        # Exception messages quote URLs too; handlers use exc_text when it is set.
        record.exc_text = redact(_FORMATTER.formatException(record.exc_info))


_FORMATTER = logging.Formatter()
