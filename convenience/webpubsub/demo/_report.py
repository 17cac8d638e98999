"""The demo's checks and the plain-text table that shows them."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

_CELL_WIDTH = 40  # wider cells are cut so the table stays readable in an 80-120 column terminal
_HEADER = ("check", "expected", "received", "result")
_COLOURS = {"ok": "32", "FAIL": "31"}  # ANSI green, red


def _ansi(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m"


@attrs.frozen
class Check:
    """One comparison of what should have happened with what did."""

    step: str
    subject: str
    expected: str
    received: str
    passed: bool


def render(checks: Iterable[Check], colour: bool = False) -> str:
    """A table with one section per step and one aligned row per check, then a verdict line.

    The verdict is ``PASS: n/n checks`` or ``FAIL: k of n checks failed: <first subjects>``.
    With ``colour``, results and the verdict are green (ok, PASS) or red (FAIL).
    """
    checks = list(checks)
    rows = [(c.subject, c.expected, c.received, "ok" if c.passed else "FAIL") for c in checks]
    cells = [tuple(_cut(cell) for cell in row) for row in [_HEADER, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HEADER))]

    def line(row: tuple[str, ...]) -> str:
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        text = "    " + text.rstrip()
        result = row[-1]
        if colour and result in _COLOURS:
            # The result is the last column, so colouring it leaves the alignment alone.
            text = text[: -len(result)] + _ansi(result, _COLOURS[result])
        return text

    out = [line(cells[0]), "    " + "  ".join("-" * width for width in widths)]
    step = None
    for check, row in zip(checks, cells[1:], strict=True):
        if check.step != step:
            step = check.step
            out.append(step)
        out.append(line(row))
    out.append("")
    final = verdict(checks)
    if colour:
        final = _ansi(final, _COLOURS["ok" if final.startswith("PASS") else "FAIL"])
    out.append(final)
    return "\n".join(out)


def verdict(checks: list[Check]) -> str:
    """The last line of the demo: PASS with the count, or FAIL naming the first failures."""
    failed = [c for c in checks if not c.passed]
    if not checks:
        return "FAIL: no checks ran"
    if not failed:
        return f"PASS: {len(checks)}/{len(checks)} checks"
    names = "; ".join(f"step {c.step.split('.', 1)[0].strip()} {c.subject}" for c in failed[:3])
    more = " ..." if len(failed) > 3 else ""
    return f"FAIL: {len(failed)} of {len(checks)} checks failed: {names}{more}"


def _cut(text: str) -> str:
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 3] + "..."
