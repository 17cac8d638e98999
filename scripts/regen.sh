#!/usr/bin/env bash
# Regenerate the typed REST client and its spec facts module (webpubsub_rest/spec_facts.py)
# from openapi/webpubsub.json with the pinned generator and openapi/templates/.
#
# Usage: scripts/regen.sh [OUTPUT_DIR]
#   OUTPUT_DIR  package directory to replace; its last component must be "webpubsub_rest"
#               (default: generated/webpubsub_rest). Tests pass a temporary directory.
#
# The toolchain lives in a throwaway venv (default .venv-regen/, override with
# WEBPUBSUB_REGEN_VENV) pinned by openapi/regen-requirements.txt, reused while that file is
# unchanged and rebuilt from scratch when it changes. Exit status 3 means the toolchain could
# not be installed (e.g. no network).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/generated/webpubsub_rest}"
venv="${WEBPUBSUB_REGEN_VENV:-$repo/.venv-regen}"
requirements="$repo/openapi/regen-requirements.txt"
stamp="$venv/.regen-requirements.txt"

# The output directory is deleted and rewritten; refuse anything that is not clearly ours.
if [[ "$(basename "$out")" != "webpubsub_rest" ]]; then
    echo "regen.sh: refusing to replace '$out': its last path component must be webpubsub_rest" >&2
    exit 2
fi

if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$requirements" "$stamp"; then
    if ! { python3 -m venv --clear "$venv" &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"; }; then
        echo "regen.sh: could not install the generator toolchain into $venv" >&2
        exit 3
    fi
    cp "$requirements" "$stamp"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$venv/bin/python" "$repo/openapi/generator_view.py" "$repo/openapi/webpubsub.json" "$work/view.json"
# openapi/templates/ overrides some of the generator's templates and reaches the originals it
# wraps under "upstream/" (a link to the installed generator's template directory).
mkdir "$work/templates"
cp "$repo"/openapi/templates/*.jinja "$work/templates/"
ln -s "$("$venv/bin/python" -c 'import openapi_python_client as o, pathlib; print(pathlib.Path(o.__file__).parent / "templates")')" "$work/templates/upstream"
# Generate outside the repository so no project ruff config applies to the post hooks.
PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
    --path "$work/view.json" \
    --config "$repo/openapi/generator-config.yaml" \
    --output-path "$work/webpubsub_rest" \
    --meta none \
    --custom-template-path "$work/templates" \
    --fail-on-warning >"$work/generator.log" 2>&1 || {
    cat "$work/generator.log" >&2
    exit 1
}

# Spec facts (api-versions, name rules, limits) for the hand-written code; see the script.
"$venv/bin/python" "$repo/scripts/spec_facts.py" "$repo/openapi/webpubsub.json" \
    "$work/webpubsub_rest/spec_facts.py"
"$venv/bin/ruff" format --isolated --target-version=py310 --no-cache --quiet \
    "$work/webpubsub_rest/spec_facts.py"

mkdir -p "$(dirname "$out")"
rm -rf "$out"
cp -R "$work/webpubsub_rest" "$out"
# PEP 561: the generated package is typed too, so users' type checkers read its hints.
touch "$out/py.typed"
echo "regen.sh: wrote $out"
