#!/usr/bin/env bash
# Sourced by pi-check.sh and pi-package.sh: a Debian 13 "trixie" arm64 root, run under
# qemu-user-static through binfmt_misc, kept between runs because debootstrap takes a good part
# of the time (about 7 minutes under emulation here; a reused root starts in seconds).
#
# PI_ROOT (default /var/tmp/kegdash-pi-root) is the cached root: made when missing or when it was
# made with another package list, reused otherwise. PI_FRESH=1 makes it anew. Delete the folder
# to free its space (about 600 MB). DEBIAN_MIRROR picks the mirror.
# After `pi_root_ready`, $root is the root with /proc, /sys and /dev mounted, `inroot CMD...`
# runs a command in it in a bare environment, and the EXIT trap unmounts them and deletes
# $root/src and whatever the caller lists in pi_scratch.

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# python3-venv: the README's venv. The libraries and font: Qt's offscreen platform, which a
# Raspberry Pi OS Lite image lacks for self-test. binutils: PyInstaller's objdump (pi-package).
PI_PACKAGES=python3,python3-venv,ca-certificates,libegl1,libgl1,libfontconfig1,libxkbcommon0,libglib2.0-0t64,libdbus-1-3,fonts-dejavu-core,binutils
pi_scratch=()
pi_mounted=()

step() { printf '== %s (%ss)\n' "$1" "$SECONDS"; }
fail() { echo "$(basename "$0"): $*" >&2; exit 1; }
# Exit status 2: this machine cannot emulate the Pi (not root, tools or binfmt_misc missing).
cannot() { echo "$(basename "$0"): $*" >&2; exit 2; }

pi_cleanup() {
    local i
    for ((i = ${#pi_mounted[@]} - 1; i >= 0; i--)); do umount -l "${pi_mounted[i]}" 2>/dev/null || true; done
    for i in "${pi_scratch[@]}"; do rm -rf --one-file-system "${root:?}/${i#/}"; done
}

# A bare environment in the root, as root's login on the Pi would have (dpkg needs the sbin
# folders): no venv, no display.
PI_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
inroot() { chroot "$root" env -i PATH=$PI_PATH HOME=/root LANG=C.UTF-8 "$@"; }

pi_checks() {
    [ "$(id -u)" = 0 ] || cannot "needs root: debootstrap, chroot and mounts"
    local tool
    for tool in debootstrap update-binfmts; do
        command -v "$tool" >/dev/null || cannot "$tool missing: apt-get install debootstrap qemu-user-static binfmt-support"
    done
    [ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || [ -x /usr/bin/qemu-aarch64-static ] \
        || cannot "qemu-user-static missing: apt-get install qemu-user-static binfmt-support"
    # binfmt_misc runs arm64 programs through qemu. The F flag of Debian's qemu-aarch64 entry
    # opens the interpreter now, so the chroot needs no copy of it. Containers may lack the mount.
    if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
            || cannot "cannot mount binfmt_misc (a container without privileges?)"
    fi
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
    grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
        || cannot "binfmt_misc has no enabled qemu-aarch64 entry (update-binfmts --enable qemu-aarch64)"
}

# The cached root at $1: reused when its stamp names the same packages, else debootstrapped
# into a side folder and moved in place only when complete (an interrupted run leaves no root
# that looks finished).
pi_cached_root() {
    local dir=$1 stamp="trixie arm64 $PI_PACKAGES"
    if [ -z "${PI_FRESH:-}" ] && [ "$(cat "$dir/.kegdash-pi-root" 2>/dev/null)" = "$stamp" ]; then
        step "reusing the root in $dir"
        return
    fi
    rm -rf --one-file-system "$dir" "$dir.partial"
    mkdir -p "$(dirname "$dir")"
    step "debootstrap trixie arm64 → $dir (about 7 minutes under emulation)"
    # The first stage runs on the host: it downloads the packages and unpacks them. The second,
    # in the root under emulation, installs them; it reads the mirror's whole Packages list (56 MB)
    # with perl several times, which under emulation took most of 17 to 42 minutes. It installs
    # only what the first stage downloaded, so it is given their entries alone (debpaths names
    # them), and the full list is put back for apt afterwards.
    debootstrap --foreign --arch=arm64 --variant=minbase --include="$PI_PACKAGES" trixie \
        "$dir.partial" "$MIRROR" > "$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; fail "debootstrap failed (log: $dir.log)"; }
    local list
    for list in "$dir.partial"/var/lib/apt/lists/*_Packages; do
        mv "$list" "$list.full"
        awk 'NR == FNR {wanted[$1]; next} /^Package: / {keep = ($2 in wanted)} keep' \
            "$dir.partial/debootstrap/debpaths" "$list.full" > "$list"
    done
    chroot "$dir.partial" /debootstrap/debootstrap --second-stage >> "$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; fail "debootstrap's second stage failed (log: $dir.log)"; }
    for list in "$dir.partial"/var/lib/apt/lists/*_Packages.full; do mv "$list" "${list%.full}"; done
    echo "$stamp" > "$dir.partial/.kegdash-pi-root"
    mv "$dir.partial" "$dir"
    rm -f "$dir.log"
}

# Mounts /proc, /sys and /dev into $root, sets the EXIT trap and prints what the root is.
pi_enter() {
    root=$(realpath "$1")
    trap pi_cleanup EXIT
    local fs
    for fs in proc sys dev dev/pts; do
        mount --bind "/$fs" "$root/$fs"
        pi_mounted+=("$root/$fs")
    done
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    inroot sh -c 'echo "$(. /etc/os-release; echo "$PRETTY_NAME") on $(uname -m), $(ldd --version | head -n 1)"'
}

# pip download of arm64 wheels for the root's Python and glibc into $root/src/wheels, by the
# host's pip (pip inside the root had its TLS connections to PyPI reset here, and is slow under
# emulation); the root then installs offline. Arguments: requirements, quoted for eval.
pi_download() {
    local pyver glibc platforms minor
    pyver=$(inroot python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    glibc=$(inroot getconf GNU_LIBC_VERSION | cut -d ' ' -f 2)
    platforms="--platform manylinux2014_aarch64"  # pip takes each tag as given: every glibc up to the root's
    for ((minor = 17; minor <= ${glibc#2.}; minor++)); do platforms+=" --platform manylinux_2_${minor}_aarch64"; done
    step "pip download: arm64 wheels for Python $pyver, glibc $glibc"
    eval "${PYTHON:-python3}" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
        "$platforms" --python-version "$pyver" --dest "$root/src/wheels" "$*"
}

# The README's two commands at $1 in the root, `python3 -m venv` (ensurepip puts pip in it from
# Debian's wheel) and the venv's `pip install`, offline from /src/wheels. PIP_COMPILE=0: pip
# byte-compiles every file it installs by default, which under emulation took 150 of the
# install's 255 s and most of ensurepip's 14 minutes; Python compiles what is imported on first
# import anyway. (PIP_NO_COMPILE=1, used before, turns compiling on: pip reads it as compile=1.)
# Further arguments: requirements, quoted for the shell.
pi_venv() {
    local venv=$1
    shift
    inroot PIP_COMPILE=0 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1 PIP_FIND_LINKS=/src/wheels \
        sh -ec "rm -rf $venv; python3 -m venv $venv; $venv/bin/pip install --quiet $*"
}

pi_root_ready() {
    pi_checks
    pi_cached_root "${PI_ROOT:-/var/tmp/kegdash-pi-root}"
    pi_enter "${PI_ROOT:-/var/tmp/kegdash-pi-root}"
}

# Run as a script, it only makes the cached root (or finds it made): .ci/run starts it in the
# background before the other checks, so the root is ready when pi-check needs it.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    pi_checks
    pi_cached_root "${PI_ROOT:-/var/tmp/kegdash-pi-root}"
fi
