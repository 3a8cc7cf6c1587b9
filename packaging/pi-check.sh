#!/usr/bin/env bash
# `make pi-check`: kegdash on a Raspberry Pi (arm64), emulated. In a Debian 13 "trixie" arm64
# root (pi-root.sh: debootstrap once, cached under /var/tmp) under qemu-user-static, the README's
# commands: a venv, the wheel from dist/ with the gui extra, `kegdash self-test` with the window
# rendered offscreen, then the headless test subset against the installed copy.
#
# Needs root (debootstrap, chroot, mounts), Debian's debootstrap, qemu-user-static and
# binfmt-support packages, and PYTHON with pip (make passes the venv's). Network: the Debian
# mirror (first run) and PyPI (through the host's pip). PI_TESTS overrides the test selection
# (paths relative to the checkout); PI_ROOT, PI_FRESH and DEBIAN_MIRROR: see pi-root.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. packaging/pi-root.sh

# The headless subset: no Qt, no browser, no PostgreSQL; what a Pi behind the bar runs. The
# install without Qt (test_without_qt: serve answering all three APIs and reading a Kegboard,
# admin, simulate, self-test --headless, the one-line `run`), the serial ports (discovery of the
# Pi's UART names, the dialout advice on a root:dialout 660 pty, Kegboard and hive gateway
# readers over real ptys) and the Beekeeping.io upload path over real HTTP. The rest is the
# same Python on any machine (make test runs it on the host). Under emulation this subset takes
# about 3 minutes on two pytest-xdist workers (5.3 on one).
TESTS=${PI_TESTS:-tests/test_without_qt.py tests/hw/test_devices.py tests/hw/test_serial_link.py
    tests/hw/test_serial_readers.py tests/server/test_beekeeping_api.py}

wheel=$(ls -t dist/kegdash-*-py3-none-any.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "no wheel in dist/; run make wheel first"

pi_root_ready
pi_scratch=(src opt/kegdash)

# Inside: the wheel and the tests only, never the package sources, so the installed copy is tested.
mkdir -p "$root/src"
cp "$wheel" "$root/src/"
tar --exclude=__pycache__ -cf - pyproject.toml $TESTS tests/conftest.py tests/polling.py \
    | tar -C "$root/src" -xf -
# The test tools of the subset, with pyproject's version ranges.
test_tools=$(python3 - <<'EOF'
import re, tomllib
for req in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"]:
    # pytest-qt reads the qt_* options of pyproject; xdist runs the subset on every core.
    if re.split(r"[<>=\[ ]", req)[0] in ("pytest", "pytest-qt", "pytest-xdist"):
        print(f"'{req}'", end=" ")
EOF
)

pi_download "'$wheel[gui]'" "$test_tools"
step "pip install $(basename "$wheel")[gui] in a venv"
pi_venv /opt/kegdash "'/src/$(basename "$wheel")[gui]'" "$test_tools"
inroot /opt/kegdash/bin/python -c 'import PySide6, platform; print("PySide6", PySide6.__version__, platform.machine())'

step "kegdash self-test (window offscreen)"
inroot /opt/kegdash/bin/kegdash self-test

step "pytest $(echo $TESTS)"
# --import-mode=importlib (pyproject's addopts) keeps /src off sys.path: kegdash comes from the venv.
# The self-test test is left out: the step above ran `kegdash self-test` itself, and under
# emulation one run (77-194 s here) can be over the test's 120 s limit. A test may run minutes
# here, so faulthandler waits 15 before dumping the threads.
inroot sh -ec "cd /src && QT_QPA_PLATFORM=offscreen /opt/kegdash/bin/python -m pytest -q --durations=5 \
    -n auto --dist loadfile -o faulthandler_timeout=900 $(echo $TESTS) \
    --deselect tests/test_without_qt.py::test_self_test_headless_passes_and_without_headless_fails_on_the_window"

step "pi-check passed"
