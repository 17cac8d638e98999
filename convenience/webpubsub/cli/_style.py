"""Colours on the terminal, only where the reader can see them and has not opted out.

``NO_COLOR`` (any non-empty value) turns colours off and ``FORCE_COLOR`` turns them on,
as https://no-color.org and common practice define; otherwise they follow whether the stream
is a terminal, so pipes and files get plain text.
"""

from __future__ import annotations

import os
from typing import TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}


def wants_colour(stream: TextIO) -> bool:
    """Whether text written to ``stream`` should carry ANSI colours."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, colour: str, stream: TextIO) -> str:
    """``text`` in ``colour`` (red, green, yellow, bold, dim) when ``stream`` wants colours."""
    if not wants_colour(stream):
        return text
    return f"\033[{_CODES[colour]}m{text}\033[0m"
