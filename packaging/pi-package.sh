#!/usr/bin/env bash
# `make pi-package`: the arm64 bundle, .tar.gz and .deb for a Raspberry Pi, built by `make
# package`'s packaging/build.sh inside the emulated Debian 13 arm64 root (PyInstaller does not
# cross-compile), then tested there by packaging/package-test.sh: the bundle's self-test, and the
# .deb installed with dpkg, run from the PATH and removed. The results land in dist/ next to
# the x86-64 ones (kegdash_VERSION_arm64.deb, kegdash-VERSION-linux-aarch64.tar.gz).
#
# Needs what pi-check.sh needs. It works in a copy of pi-check's cached root (PI_ROOT-package),
# which also gets the libraries the bundle collects and the .deb depends on, so pi-check's root
# stays as lean as a Raspberry Pi OS Lite image. Too slow for CI under emulation: see README.
set -euo pipefail
cd "$(dirname "$0")/.."
. packaging/pi-root.sh

# The last line of .ci/run's apt-get install: PyInstaller's objdump and the xcb libraries it
# bundles, and what the .deb's Depends names beyond pi-root's packages. Debian's python3 links
# libpython statically; PyInstaller needs the shared one (libpython3.X) to bundle. gcc and
# python3-dev: build.sh compiles the brewing engine with mypyc.
BUILD_DEBS="gcc python3-dev binutils libglx0 libdrm2 libwayland-client0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"

wheel=$(ls -t dist/kegdash-*-py3-none-any.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "no wheel in dist/; run make wheel first"

pi_checks
base=${PI_ROOT:-/var/tmp/kegdash-pi-root}
pi_cached_root "$base"
pkgroot=$base-package
if ! cmp -s "$base/.kegdash-pi-root" "$pkgroot/.kegdash-pi-root"; then
    step "copying the root → $pkgroot"
    rm -rf --one-file-system "$pkgroot" "$pkgroot.partial"
    # Not what a running pi-check has mounted in it or is installing.
    cp -a --one-file-system "$base" "$pkgroot.partial"
    rm -rf "$pkgroot.partial/src" "$pkgroot.partial/opt/kegdash"
    mv "$pkgroot.partial" "$pkgroot"
fi
pi_enter "$pkgroot"
pi_scratch=(src opt/kegdash-build)

BUILD_DEBS+=" libpython$(inroot python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
missing=$(for deb in $BUILD_DEBS; do
    inroot dpkg-query -W -f '${db:Status-Status}' "$deb" 2>/dev/null | grep -qx installed || echo "$deb"
done)
if [ -n "$missing" ]; then
    step "apt-get install $(echo $missing)"
    inroot DEBIAN_FRONTEND=noninteractive sh -ec "apt-get update -qq
        apt-get install -y -qq --no-install-recommends $(echo $missing) >/dev/null"
fi

# Inside: the wheel (the installed kegdash PyInstaller collects, with its metadata) and what the
# spec and build.sh read from the checkout.
mkdir -p "$root/src"
cp "$wheel" "$root/src/"
tar --exclude=__pycache__ -cf - pyproject.toml setup.py kegdash packaging resources | tar -C "$root/src" -xf -

pi_download "'$wheel[gui,package]'"
step "pip install $(basename "$wheel")[gui,package] in a venv"
pi_venv /opt/kegdash-build "'/src/$(basename "$wheel")[gui,package]'"

step "packaging/build.sh (PyInstaller under emulation)"
inroot sh -ec "cd /src && PYTHON=/opt/kegdash-build/bin/python packaging/build.sh"
mkdir -p dist
cp "$root"/src/dist/kegdash_*_arm64.deb "$root"/src/dist/kegdash-*-linux-aarch64.tar.gz dist/

step "packaging/package-test.sh (the bundle, then the .deb with dpkg)"
inroot sh -ec "cd /src && packaging/package-test.sh"

step "pi-package passed"
ls -l dist/kegdash_*_arm64.deb dist/kegdash-*-linux-aarch64.tar.gz
