#!/usr/bin/env bash
# `make wheel-test`: the wheel in dist/ as `pip install kegdash` gives it, without the gui extra:
# a fresh venv outside the checkout, then `kegdash self-test --headless` must pass and
# `kegdash run` must end with the one line naming the gui extra.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
wheel=$(ls -t dist/kegdash-*-py3-none-any.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || { echo "wheel-test: no wheel in dist/; run make wheel first" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
if "$scratch/venv/bin/python" -c 'import PySide6' 2>/dev/null; then
    echo "wheel-test: PySide6 came with the plain wheel; it belongs to the gui extra" >&2
    exit 1
fi
bare() { (cd "$scratch" && env -i PATH=/usr/bin:/bin HOME="$scratch" LANG=C.UTF-8 "$@"); }
bare "$scratch/venv/bin/kegdash" self-test --headless
if bare "$scratch/venv/bin/kegdash" run 2>"$scratch/run.err"; then
    echo "wheel-test: kegdash run succeeded without Qt" >&2
    exit 1
fi
grep -q "pip install 'kegdash\[gui\]'" "$scratch/run.err" \
    || { echo "wheel-test: kegdash run did not name the gui extra:" >&2; cat "$scratch/run.err" >&2; exit 1; }
echo "wheel-test: $(basename "$wheel") installs without Qt, serves and self-tests headless"
