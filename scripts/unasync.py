"""Generate the async client class from the sync one.

``convenience/webpubsub/_client.py`` is the source: its ``WebPubSubServiceClient`` class (from
its ``class`` line to the end of the file) is rewritten for asyncio and replaces everything
below the marker line of ``convenience/webpubsub/aio/_client.py``. Above the marker, that file
is written by hand: its imports, the async ``run_exchange`` and the async pager, which differ
in kind and not only by ``await``.

The rewrite is token replacement (as httpcore's unasync script does, in the other direction),
plus ``async``/``await`` where the syntax tree says so:

* a method that runs an exchange (calls ``self._run`` or ``run_exchange``), closes the HTTP
  client or is ``close`` / ``__enter__`` / ``__exit__`` becomes ``async def``, and those calls
  are awaited;
* names in ``REPLACEMENTS`` are swapped whole-word (``httpx.Client`` -> ``httpx.AsyncClient``,
  ``ItemPaged`` -> ``AsyncItemPaged``, ``default_http_client`` -> ``default_async_http_client``,
  ...); docstrings are rewritten by the same rules, so they stay static and complete.

Usage: python scripts/unasync.py [--check]
    --check: exit 1 (printing a diff) if the committed async client is not what this writes.
"""

from __future__ import annotations

import ast
import difflib
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SYNC = REPO / "convenience" / "webpubsub" / "_client.py"
ASYNC = REPO / "convenience" / "webpubsub" / "aio" / "_client.py"
CLASS_LINE = "class WebPubSubServiceClient:"
MARKER = "# --- generated below from ../_client.py by scripts/unasync.py; do not edit ---"

#: Whole-word replacements, applied in order.
REPLACEMENTS = [
    ("Synchronous client", "Asynchronous client"),
    ("httpx.Client", "httpx.AsyncClient"),
    ("ItemPaged", "AsyncItemPaged"),
    ("default_http_client", "default_async_http_client"),
    ("Credential", "AsyncCredential"),
    ("__enter__", "__aenter__"),
    ("__exit__", "__aexit__"),
    ("self._http.close()", "await self._http.aclose()"),
    ("self.close()", "await self.close()"),
    ("self._run(", "await self._run("),
    ("run_exchange(", "await run_exchange("),
]
#: Replacements that add ``await``: not applied inside a ``lambda``, whose call is handed on
#: (a pager awaits what its page-fetching lambda returns).
AWAIT_ADDING = {"self.close()", "self._run(", "run_exchange("}
#: Methods that become coroutines whatever their body.
ALWAYS_ASYNC = {"close", "__enter__", "__exit__"}
#: Calls that make the method calling them a coroutine.
AWAITED_CALLS = {"self._run", "run_exchange", "self._http.close", "self.close"}


def _call_name(node: ast.Call) -> str:
    return ast.unparse(node.func)


def _async_methods(class_source: str) -> set[int]:
    """1-based line numbers (within ``class_source``) of the ``def`` lines to make async."""
    tree = ast.parse(class_source)
    [cls] = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    lines: set[int] = set()
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        calls = {_call_name(c) for c in _walk_outside_lambdas(node) if isinstance(c, ast.Call)}
        if node.name in ALWAYS_ASYNC or calls & AWAITED_CALLS:
            lines.add(node.lineno)
    return lines


def _walk_outside_lambdas(node: ast.AST) -> list[ast.AST]:
    """Every node below ``node``, except inside a ``lambda`` (its calls run elsewhere)."""
    found: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Lambda):
            continue
        found.append(child)
        found.extend(_walk_outside_lambdas(child))
    return found


def _replace(line: str) -> str:
    in_lambda = re.search(r"\blambda\b", line) is not None
    for old, new in REPLACEMENTS:
        if in_lambda and old in AWAIT_ADDING:
            continue
        pattern = (r"(?<![\w.])" if old[0].isalnum() or old[0] == "_" else "") + re.escape(old)
        if old[-1].isalnum() or old[-1] == "_":
            pattern += r"(?!\w)"
        line = re.sub(pattern, lambda _, new=new: new, line)
    return line


def async_class(sync_source: str) -> str:
    """The async version of the sync module's client class (class line to end of file)."""
    start = sync_source.index("\n" + CLASS_LINE + "\n") + 1
    class_source = sync_source[start:]
    make_async = _async_methods(class_source)
    out: list[str] = []
    for number, line in enumerate(class_source.splitlines(), 1):
        if number in make_async:
            line = line.replace("def ", "async def ", 1)
        out.append(_replace(line))
    return "\n".join(out) + "\n"


def generated_async_module(sync_source: str, async_source: str) -> str:
    """``async_source`` with everything after the marker line regenerated."""
    head, found, _ = async_source.partition(MARKER + "\n")
    if not found:
        raise SystemExit(f"unasync: {ASYNC} lacks the marker line {MARKER!r}")
    return _formatted(head + MARKER + "\n\n\n" + async_class(sync_source))


def _formatted(source: str) -> str:
    """``source`` through ``ruff format`` with the project's settings (added ``await`` and
    longer names can push a line past the limit)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(ASYNC), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return result.stdout


def main(argv: list[str]) -> int:
    current = ASYNC.read_text(encoding="utf-8")
    wanted = generated_async_module(SYNC.read_text(encoding="utf-8"), current)
    if argv == ["--check"]:
        if wanted == current:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                wanted.splitlines(keepends=True),
                str(ASYNC.relative_to(REPO)),
                "regenerated",
            )
        )
        return 1
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    ASYNC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
