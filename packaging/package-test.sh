#!/usr/bin/env bash
# `make package-test`: run what `make package` built, as a user would, outside the virtualenv.
# 1. dist/kegdash/kegdash: --version must print pyproject's version, then `self-test` must pass.
# 2. As root with dpkg: install the .deb, run `kegdash --version` and `kegdash self-test` from
#    PATH, check the menu entry and icon, remove the package and check nothing is left behind.
#    Anywhere else that step is skipped with a message (not a failure).
set -euo pipefail
cd "$(dirname "$0")/.."

DIST=$(pwd)/dist
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml)
BUNDLE="$DIST/kegdash/kegdash"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A bare environment and a neutral working directory: no venv, no checkout, no display.
bare() { (cd "$scratch" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 "$@"); }

# self_test NAME CMD: CMD's self-test, its lines shown, its window in dist/self-test-NAME.png;
# it must pass and find the brewing engine compiled (build.sh).
self_test() {
    local name=$1 out
    shift
    out=$(bare "$@" self-test --keep "$DIST/self-test-$name.png" 2>&1) || { echo "$out"; exit 1; }
    echo "$out"
    if ! grep -q "brewing engine compiled" <<<"$out"; then
        echo "package-test: '$*' runs the brewing engine as Python, not compiled" >&2
        exit 1
    fi
}

expect_version() {
    local got
    got=$(bare "$@" --version)
    if [ "$got" != "kegdash $VERSION" ]; then
        echo "package-test: '$* --version' printed '$got', expected 'kegdash $VERSION'" >&2
        exit 1
    fi
    echo "$got"
}

if [ ! -x "$BUNDLE" ]; then
    echo "package-test: $BUNDLE not found; run make package first" >&2
    exit 1
fi
echo "== bundle: $BUNDLE"
expect_version "$BUNDLE"
self_test bundle "$BUNDLE"

if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null 2>&1; then
    echo "package-test: skipping the .deb install test (it needs root and dpkg)"
    exit 0
fi
DEB="$DIST/kegdash_${VERSION}_$(dpkg --print-architecture).deb"  # this machine's, beside a Pi build
if dpkg-query -W -f '${Status}' kegdash 2>/dev/null | grep -q 'ok installed'; then
    echo "package-test: a kegdash package is already installed here; leaving it, skipping the .deb test"
    exit 0
fi
echo "== .deb: $DEB"
trap 'dpkg --remove kegdash >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
dpkg --install "$DEB"
[ "$(bare sh -c 'command -v kegdash')" = /usr/bin/kegdash ]
expect_version kegdash
self_test deb kegdash
test -f /usr/share/applications/kegdash.desktop
test -f /usr/share/icons/hicolor/scalable/apps/kegdash.svg
dpkg --remove kegdash
for left in /opt/kegdash /usr/bin/kegdash /usr/share/applications/kegdash.desktop; do
    if [ -e "$left" ] || [ -L "$left" ]; then
        echo "package-test: $left is still there after dpkg --remove" >&2
        exit 1
    fi
done
echo "package-test: .deb installed, ran from PATH and removed cleanly"
