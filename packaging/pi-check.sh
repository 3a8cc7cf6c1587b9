#!/usr/bin/env bash
# `make pi-check`: kegdash on a Raspberry Pi (arm64), emulated. A fresh Debian 13 "trixie" arm64
# root from debootstrap, run under qemu-user-static through binfmt_misc; in it, the README's
# commands: a venv, the wheel from dist/ with the gui extra, then the headless tests (hardware,
# the install without Qt) and `kegdash self-test` with the window rendered offscreen.
#
# Needs root (debootstrap, chroot, mounts), Debian's debootstrap, qemu-user-static and
# binfmt-support packages, and PYTHON with pip (make passes the venv's). The root (about 500 MB)
# is made in a temporary directory under build/ and removed afterwards. Network: the Debian
# mirror (DEBIAN_MIRROR) and PyPI (through the host's pip).
# PI_TESTS overrides the test selection (paths relative to the checkout). PI_ROOT=DIR reuses a
# root made before (debootstrap is most of the time) and leaves it in place afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TESTS=${PI_TESTS:-tests/hw tests/test_without_qt.py}
# Qt's offscreen platform and fonts: what a Raspberry Pi OS Lite image lacks for self-test.
PACKAGES=python3,python3-venv,ca-certificates,libegl1,libgl1,libfontconfig1,libxkbcommon0,libglib2.0-0t64,libdbus-1-3,fonts-dejavu-core

step() { printf '== %s (%ss)\n' "$1" "$SECONDS"; }
fail() { echo "pi-check: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root: debootstrap, chroot and mounts"
for tool in debootstrap update-binfmts; do
    command -v "$tool" >/dev/null || fail "$tool missing: apt-get install debootstrap qemu-user-static binfmt-support"
done
[ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || [ -x /usr/bin/qemu-aarch64-static ] \
    || fail "qemu-user-static missing: apt-get install qemu-user-static binfmt-support"
wheel=$(ls -t dist/kegdash-*-py3-none-any.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "no wheel in dist/; run make wheel first"

# binfmt_misc runs arm64 programs through qemu. The F flag of Debian's qemu-aarch64 entry opens
# the interpreter now, so the chroot needs no copy of it. Containers may lack the mount.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
        || fail "cannot mount binfmt_misc (a container without privileges?)"
fi
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
    || fail "binfmt_misc has no enabled qemu-aarch64 entry (update-binfmts --enable qemu-aarch64)"

mounted=()
cleanup() {
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
    if [ -z "${PI_ROOT:-}" ]; then rm -rf --one-file-system "$root"; else rm -rf "$root/src" "$root/opt/kegdash"; fi
}
if [ -n "${PI_ROOT:-}" ]; then
    root=$(realpath "$PI_ROOT")
    [ -x "$root/usr/bin/python3" ] || fail "PI_ROOT=$PI_ROOT is not a root made by this script"
    trap cleanup EXIT
    step "reusing the root in $root"
else
    mkdir -p build
    root=$(mktemp -d "$PWD/build/pi-root.XXXXXX")
    trap cleanup EXIT
    step "debootstrap trixie arm64 → $root"
    debootstrap --arch=arm64 --variant=minbase --include="$PACKAGES" trixie "$root" "$MIRROR" \
        > "$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; fail "debootstrap failed"; }
    rm -f "$root.log"
fi
for fs in proc sys dev dev/pts; do
    mount --bind "/$fs" "$root/$fs"
    mounted+=("$root/$fs")
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" sh -c 'echo "$(. /etc/os-release; echo "$PRETTY_NAME") on $(uname -m), $(ldd --version | head -n 1)"'

# Inside: the wheel and the tests only, never the package sources, so the installed copy is tested.
mkdir -p "$root/src"
cp "$wheel" "$root/src/"
tar --exclude=__pycache__ -cf - pyproject.toml $TESTS tests/conftest.py tests/polling.py | tar -C "$root/src" -xf -
# The test tools of the subset, with pyproject's version ranges.
test_tools=$(python3 - <<'EOF'
import re, tomllib
for req in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"]:
    if re.split(r"[<>=\[ ]", req)[0] in ("pytest", "pytest-qt", "hypothesis"):
        print(f"'{req}'", end=" ")
EOF
)

# The host's pip fetches the arm64 wheels (pip inside the root had its TLS connections to PyPI
# reset here, and is slow under emulation); the root installs them offline.
pyver=$(chroot "$root" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
glibc=$(chroot "$root" getconf GNU_LIBC_VERSION | cut -d ' ' -f 2)
platforms="--platform manylinux2014_aarch64"  # pip takes each tag as given: every glibc up to the root's
for ((minor = 17; minor <= ${glibc#2.}; minor++)); do platforms+=" --platform manylinux_2_${minor}_aarch64"; done
step "pip download: arm64 wheels for Python $pyver, glibc $glibc"
eval "${PYTHON:-python3}" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
    "$platforms" --python-version "$pyver" --dest "$root/src/wheels" "'$wheel[gui]'" "$test_tools"

# The README's python3 -m venv and pip install, but without byte-compiling: under emulation
# ensurepip alone took over 14 minutes compiling pip. Imports compile what they use.
step "pip install $(basename "$wheel")[gui] in a venv"
chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root PIP_NO_COMPILE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INDEX=1 PIP_FIND_LINKS=/src/wheels sh -ec "python3 -m venv --without-pip /opt/kegdash
    pip=\$(ls /usr/share/python-wheels/pip-*.whl)
    /opt/kegdash/bin/python \$pip/pip install --quiet \$pip
    /opt/kegdash/bin/pip install --quiet '/src/$(basename "$wheel")[gui]' $test_tools"
chroot "$root" /opt/kegdash/bin/python -c \
    'import PySide6, platform; print("PySide6", PySide6.__version__, platform.machine())'

step "kegdash self-test (window offscreen)"
chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 /opt/kegdash/bin/kegdash self-test

step "pytest $TESTS"
chroot "$root" sh -ec "cd /src && env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen /opt/kegdash/bin/python -m pytest -q $TESTS"

step "pi-check passed"
