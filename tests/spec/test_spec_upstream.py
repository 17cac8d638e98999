"""Every operation of the published API appears in openapi/webpubsub.json.

Sources, looked up relative to the repository as ../shared/reference:
* the newest upstream swagger file found anywhere below it (skipped when there is none);
* the operations table of its README.md (our fact sheet), checked in any case.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference"
SPEC_PATH = REPO / "openapi" / "webpubsub.json"
METHODS = ("get", "put", "post", "delete", "head", "patch")
# A README table row: "| METHOD | /api/... | notes |"
README_ROW = re.compile(
    r"^\|\s*(GET|PUT|POST|DELETE|HEAD|PATCH)\s*\|\s*(/api/\S*)\s*\|", re.MULTILINE
)


def operations_of(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document.get("paths", {}).items()
        for method in METHODS
        if method in item
    }


def our_operations() -> set[tuple[str, str]]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        return operations_of(json.load(f))


def upstream_specs() -> list[tuple[str, Path, dict[str, Any]]]:
    """(api version, file, document) for every swagger/OpenAPI JSON file below REFERENCE."""
    found = []
    for candidate in sorted(REFERENCE.rglob("*.json")) if REFERENCE.is_dir() else []:
        try:
            document = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        is_spec = isinstance(document, dict) and ("swagger" in document or "openapi" in document)
        if is_spec and "/api/health" in document.get("paths", {}):
            found.append((str(document.get("info", {}).get("version", "")), candidate, document))
    return found


def test_newest_upstream_spec_operations_are_all_in_our_spec() -> None:
    specs = upstream_specs()
    if not specs:
        pytest.skip(f"no upstream swagger file below {REFERENCE}; only the README table is checked")
    # API versions are ISO dates (optionally "-preview"), so string order is release order.
    version, path, newest = max(specs, key=lambda entry: entry[0])
    missing = operations_of(newest) - our_operations()
    assert missing == set(), f"operations of {path} (api-version {version}) missing from our spec"


def test_reference_readme_operations_table_matches_our_spec() -> None:
    readme = REFERENCE / "README.md"
    if not readme.is_file():
        pytest.skip(f"no reference fact sheet at {readme}")
    table = {
        (method, path) for method, path in README_ROW.findall(readme.read_text(encoding="utf-8"))
    }
    assert len(table) == 25, f"expected the 25-operation table in {readme}, parsed {len(table)}"
    assert table == our_operations()
