"""The demo's checks and the plain-text table that shows them."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

_CELL_WIDTH = 40  # wider cells are cut so the table stays readable in an 80-120 column terminal
_HEADER = ("check", "expected", "received", "result")


@attrs.frozen
class Check:
    """One comparison of what should have happened with what did."""

    step: str
    subject: str
    expected: str
    received: str
    passed: bool


def render(checks: Iterable[Check]) -> str:
    """A table with one section per step and one aligned row per check, then a verdict line.

    The verdict is ``PASS: n/n checks`` or ``FAIL: k of n checks failed: <first subjects>``.
    """
    checks = list(checks)
    rows = [(c.subject, c.expected, c.received, "ok" if c.passed else "FAIL") for c in checks]
    cells = [tuple(_cut(cell) for cell in row) for row in [_HEADER, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HEADER))]

    def line(row: tuple[str, ...]) -> str:
        return (
            "    "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )

    out = [line(cells[0]), "    " + "  ".join("-" * width for width in widths)]
    step = None
    for check, row in zip(checks, cells[1:], strict=True):
        if check.step != step:
            step = check.step
            out.append(step)
        out.append(line(row))
    out.append("")
    out.append(verdict(checks))
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
