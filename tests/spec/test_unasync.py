"""The async client class is generated from the sync one (scripts/unasync.py), committed, and
carries its own static docstrings."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "unasync.py"
ASYNC_CLIENT = REPO / "convenience" / "webpubsub" / "aio" / "_client.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_regenerating_the_async_client_gives_no_diff() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, "run scripts/unasync.py:\n" + result.stdout + result.stderr


def test_a_change_to_the_sync_client_shows_up_in_the_async_one() -> None:
    unasync = load_script()
    sync_source = unasync.SYNC.read_text(encoding="utf-8")
    current = ASYNC_CLIENT.read_text(encoding="utf-8")
    edited = sync_source.replace(
        '"""Whether the user has at least one connection.',
        '"""Whether the user has at least one connection (edited).',
    )
    assert edited != sync_source
    regenerated = unasync.generated_async_module(edited, current)
    assert "Whether the user has at least one connection (edited)." in regenerated
    assert "async def user_exists(" in regenerated


def test_async_methods_are_coroutines_with_static_docstrings() -> None:
    tree = ast.parse(ASYNC_CLIENT.read_text(encoding="utf-8"))
    [client] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name.endswith("Client")]
    methods = {
        n.name: n for n in client.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    public = [name for name in methods if not name.startswith("_")]
    assert len(public) >= 25
    undocumented = [name for name in public if ast.get_docstring(methods[name]) is None]
    assert undocumented == []
    sync_only = {"list_connections", "from_connection_string", "endpoint", "hub", "api_version"}
    not_async = [
        name
        for name in public
        if name not in sync_only and not isinstance(methods[name], ast.AsyncFunctionDef)
    ]
    assert not_async == []
    assert ast.get_docstring(client) is not None
    assert "Asynchronous client" in (ast.get_docstring(client) or "")
