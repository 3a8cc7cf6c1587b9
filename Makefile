# The two commands of the README: `make run` (the app, demo mode) and `make test`.
# Each creates .venv and installs kegdash into it on first use, with the window (the gui extra).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package

.PHONY: run serve test lint bench clean package package-test engine engine-test wheel wheel-test pi-check pi-package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[gui,test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kegdash run --demo

serve: $(STAMP)
	$(BIN)/kegdash serve --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/vulture

# Two workers on a 2-core machine (one per core elsewhere); a test module stays on one worker.
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto --dist loadfile

bench: $(STAMP)
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The installers (README, "Installing (packages)"): bundle, .tar.gz and .deb in dist/, then
# their smoke test (the .deb part only as root with dpkg). packaging/ has the scripts.
$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[gui,test,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	PYTHON=$(BIN)/python packaging/build.sh

package-test:
	packaging/package-test.sh

# The brewing engine compiled with mypyc into build/engine, a copy of kegdash/ (what make package
# builds the bundle from; packaging/compile_engine.py). With PYTHONPATH=build/engine, Python
# imports kegdash from there: `PYTHONPATH=build/engine .venv/bin/python benchmarks/brewing_calc.py`.
engine: $(PACKAGE_STAMP)
	$(BIN)/python packaging/compile_engine.py build/engine

# The engine's tests and the Tapline API's against the compiled copy (pytest, not python -m
# pytest, which would put the checkout first on the path); CI runs it after make package.
engine-test: engine
	cd build && PYTHONPATH=$(CURDIR)/build/engine $(CURDIR)/$(BIN)/python -c \
	    'from kegdash.self_test import engine_kind as k; assert k() == "compiled", k()'
	PYTHONPATH=build/engine QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -n auto --dist loadfile \
	    tests/brewing tests/server/test_tapline_public.py tests/server/test_tapline_api.py

# dist/kegdash-VERSION-py3-none-any.whl (and the sdist): `pip install` or `pipx install` it anywhere
# the dependencies have wheels; add [gui] for the window.
wheel: $(PACKAGE_STAMP)
	$(BIN)/python -m build --outdir dist .

wheel-test:
	PYTHON=$(PYTHON) packaging/wheel-test.sh

# A Raspberry Pi (Debian 13 arm64) emulated with qemu-user-static: the wheel with the gui extra,
# kegdash self-test and the headless tests. Root, debootstrap and qemu-user-static; the root is
# cached in /var/tmp (packaging/pi-root.sh, which CI starts early in the background).
pi-check: wheel
	PYTHON=$(BIN)/python packaging/pi-check.sh

# The arm64 bundle, .tar.gz and .deb built in that emulated root, then package-test there.
pi-package: wheel
	PYTHON=$(BIN)/python packaging/pi-package.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
