"""The emulator serves exactly the REST operations of openapi/webpubsub.json, no more, no less."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.routing import Route
from webpubsub_emulator import create_app

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "webpubsub.json"
HTTP_METHODS = {"get", "put", "post", "delete", "head", "patch", "options"}


def _shape(path: str) -> str:
    """The path with every parameter name erased: ``/a/{x}/b`` -> ``/a/{}/b``."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def spec_operations() -> set[tuple[str, str]]:
    paths = json.loads(SPEC.read_text(encoding="utf-8"))["paths"]
    return {
        (method.upper(), _shape(path))
        for path, operations in paths.items()
        for method in operations
        if method in HTTP_METHODS
    }


def emulator_operations() -> set[tuple[str, str]]:
    found = set()
    for route in create_app().routes:
        if isinstance(route, Route):
            methods = set(route.methods or ())
            if "GET" in methods:
                methods.discard("HEAD")  # Starlette answers HEAD on every GET route, as HTTP asks
            found.update((method, _shape(route.path)) for method in methods)
    return found


def test_every_spec_operation_has_a_route_and_nothing_else_does() -> None:
    spec, served = spec_operations(), emulator_operations()
    assert sorted(spec - served) == [], "operations in the spec the emulator does not serve"
    assert sorted(served - spec) == [], "routes the spec does not describe"
