#!/usr/bin/env bash
# `make package`: the PyInstaller one-folder bundle, a .tar.gz of it and a .deb, all in dist/.
#   dist/kegdash/kegdash                      the bundle (runs without Python installed)
#   dist/kegdash-VERSION-linux-MACHINE.tar.gz the bundle for other distributions
#   dist/kegdash_VERSION_ARCH.deb             /opt/kegdash, /usr/bin/kegdash, menu entry, icon
# PYTHON is the interpreter with kegdash and PyInstaller installed (make passes the venv's).
# DEB_COMPRESS=xz makes a smaller .deb for releases (60 vs 85 MiB) but takes ~65 s, not ~10 s.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
DIST=dist
WORK=build/package
VERSION=$("$PYTHON" -c 'from kegdash import __version__; print(__version__)')
MACHINE=$(uname -m)

step() { printf '== %s (%ss)\n' "$1" "$SECONDS"; }

step "brewing engine compiled with mypyc → $WORK/engine"
# The bundle is built from this copy of kegdash/ (KEGDASH_SOURCE, read by the spec). It needs a C
# compiler and Python's headers (Debian: gcc, python3-dev) and mypy (the package extra).
"$PYTHON" packaging/compile_engine.py "$WORK/engine"

step "PyInstaller bundle → $DIST/kegdash"
# No --clean: PyInstaller's cache in build/ and ~/.cache/pyinstaller makes rebuilds faster.
KEGDASH_SOURCE="$WORK/engine" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" packaging/kegdash.spec

step "archive → $DIST/kegdash-$VERSION-linux-$MACHINE.tar.gz"
tar -C "$DIST" -czf "$DIST/kegdash-$VERSION-linux-$MACHINE.tar.gz" kegdash

if ! command -v dpkg-deb >/dev/null 2>&1; then
    step "no dpkg-deb on this machine: skipping the .deb"
    exit 0
fi
ARCH=$(dpkg --print-architecture)
DEB="$DIST/kegdash_${VERSION}_${ARCH}.deb"
step "Debian package → $DEB"
root="$WORK/deb"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/usr/share/icons/hicolor/scalable/apps"
cp -al "$DIST/kegdash" "$root/opt/kegdash"  # hard links: no second 220 MB copy
ln -s /opt/kegdash/kegdash "$root/usr/bin/kegdash"
install -m 644 packaging/deb/kegdash.desktop "$root/usr/share/applications/kegdash.desktop"
install -m 644 resources/icons/kegdash.svg "$root/usr/share/icons/hicolor/scalable/apps/kegdash.svg"
chmod -R u+rwX,go+rX,go-w "$root"
# The bundle needs the build machine's glibc or newer.
glibc=$(getconf GNU_LIBC_VERSION | cut -d ' ' -f 2)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$glibc/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk "$root" | cut -f 1)/" \
    packaging/deb/control.in > "$root/DEBIAN/control"
# No maintainer scripts: dpkg triggers of desktop-file-utils and the icon caches see the new
# files, and removal must not touch anything outside the package (user data stays).
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-gzip}" -z6 --build "$root" "$DEB" >/dev/null

step "done"
ls -l "$DIST"/*.tar.gz "$DIST"/*.deb
