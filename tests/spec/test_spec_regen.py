"""scripts/regen.sh reproduces the committed generated/webpubsub_rest/ exactly."""

import filecmp
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REGEN = REPO / "scripts" / "regen.sh"
COMMITTED = REPO / "generated" / "webpubsub_rest"
TOOLCHAIN_UNAVAILABLE = 3  # regen.sh's exit status when the generator cannot be installed
IGNORED = {"__pycache__"}


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that exist on one side only or whose contents differ."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only)
        found.extend(prefix + name for name in cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=list(IGNORED)), "")
    return sorted(found)


# A fresh .venv-regen/ has to install the toolchain first; a cached one takes seconds.
@pytest.mark.timeout(600)
def test_regenerating_reproduces_the_committed_package(tmp_path: Path) -> None:
    out = tmp_path / "webpubsub_rest"
    result = subprocess.run(
        ["bash", str(REGEN), str(out)], capture_output=True, text=True, check=False
    )
    if result.returncode == TOOLCHAIN_UNAVAILABLE:
        pytest.skip(f"generator toolchain could not be installed: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert differences(out, COMMITTED) == [], "generated/ is stale: run scripts/regen.sh"


def test_regen_refuses_an_output_dir_not_named_webpubsub_rest(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("data", encoding="utf-8")
    result = subprocess.run(
        ["bash", str(REGEN), str(precious)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "must be webpubsub_rest" in result.stderr
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "data"
