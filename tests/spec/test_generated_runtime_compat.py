"""generated/webpubsub_rest runs on Python 3.10 with only the SDK's runtime dependencies.

The generator and ruff's fixes have both been seen to emit 3.11-only names (typing.Self) or
extra imports (typing_extensions); this catches either before a 3.10 user does.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generated" / "webpubsub_rest"
ALLOWED_THIRD_PARTY = {"httpx", "attrs"}  # SDK runtime deps the generated code may use
# Standard-library names that only exist from Python 3.11 on.
NEWER_THAN_310 = {
    "typing": {
        "Self",
        "LiteralString",
        "Never",
        "TypeVarTuple",
        "Unpack",
        "Required",
        "NotRequired",
        "assert_never",
        "assert_type",
        "reveal_type",
        "dataclass_transform",
        "get_overloads",
        "clear_overloads",
    },
    "enum": {"StrEnum", "ReprEnum", "verify", "member", "nonmember"},
    "datetime": {"UTC"},
}
NEW_MODULES = {"tomllib", "wsgiref.types"}

SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_generated_package_is_present() -> None:
    assert len(SOURCES) > 40


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_parses_as_310_and_imports_only_allowed_names(source: Path) -> None:
    tree = ast.parse(source.read_text(encoding="utf-8"), feature_version=(3, 10))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [(alias.name, set[str]()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [(node.module, {alias.name for alias in node.names})]
        else:
            continue
        for module, names in modules:
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (
                f"{source.name} imports {module}, which is not a runtime dependency"
            )
            assert module not in NEW_MODULES, f"{source.name} imports 3.11+ module {module}"
            too_new = names & NEWER_THAN_310.get(module, set())
            assert not too_new, f"{source.name} imports {too_new} from {module} (3.11+)"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            too_new_attr = node.attr in NEWER_THAN_310.get(node.value.id, set())
            assert not too_new_attr, f"{source.name} uses {node.value.id}.{node.attr} (3.11+)"
