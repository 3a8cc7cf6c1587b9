"""An install without the gui extra, as ``pip install kegdash`` makes it: PySide6 and pyqtgraph
cannot be imported (a meta-path finder on PYTHONPATH refuses them, as if not installed), and
every command but the window still works; ``kegdash run`` says in one line what to install."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest
from polling import wait_for

from kegdash import self_test
from kegdash.hw.simulators import DEMO_THERMO, Pty, Simulator

BLOCKER = """
import importlib.abc
import sys


class NoQt(importlib.abc.MetaPathFinder):
    \"\"\"Qt as it is on an install without the gui extra: not there.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoQt())
"""


@pytest.fixture
def no_qt(tmp_path):
    """Runs ``python -m kegdash ARGS`` without Qt; returns the CompletedProcess or, with
    ``background=True``, the Popen."""
    site = tmp_path / "no-qt"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *sys.path]))
    env.pop("QT_QPA_PLATFORM", None)
    database = f"sqlite:///{tmp_path / 'headless.sqlite'}"
    started = []

    def kegdash(*args: str, background: bool = False, database_arg: bool = True):
        argv = [sys.executable, "-m", "kegdash", *args, *(["--database", database] if database_arg else [])]
        if background:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=env)
            started.append(proc)
            return proc
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)

    yield kegdash
    for proc in started:
        proc.kill()
        proc.communicate()


def test_run_says_in_one_line_what_to_install(no_qt):
    done = no_qt("run", "--port", "0")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "kegdash: error: the window needs the gui extra, which this install lacks: "
        "pip install 'kegdash[gui]' (kegdash serve runs without it)"]


def test_serve_answers_all_three_apis_and_reads_a_kegboard(no_qt, tmp_path):
    for args in (("admin", "add-tap", "Left", "--meter", "kegboard.flow0"),
                 ("admin", "start-keg", "Left", "--beverage", "Racer 5", "--size", "corny"),
                 ("admin", "add-thermo", f"kegboard.{DEMO_THERMO}", "--tap", "Left")):
        done = no_qt(*args)
        assert done.returncode == 0, done.stderr
    kegboard = Simulator("kegboard", Pty(tmp_path / "ttyACM0"), seed=7, speed=20)
    kegboard.start()
    try:
        proc = no_qt("serve", "--port", "0", "--kegboard", kegboard.pty.device, background=True)
        line = proc.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, proc.stderr.read()
        base = line.split("serving on ", 1)[1].split()[0]
        for probe in self_test.PROBES.values():
            probe(base)

        def temperature() -> float | None:
            with urllib.request.urlopen(f"{base}/api/thermo-sensors/kegboard.{DEMO_THERMO}",
                                        timeout=5) as response:
                return json.loads(response.read())["result"]["last_temp"]

        assert wait_for(lambda: temperature() is not None, timeout=30)
        assert 2.5 < temperature() < 4.5
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0 and "kegdash stopped" in out
        assert f"{kegboard.pty.device}: connected (kegboard)" in err
        assert "PySide6" not in err and "Traceback" not in err
    finally:
        kegboard.stop()


def test_demo_data_and_simulate_need_no_qt(no_qt):
    done = no_qt("demo-data", "--json")
    assert done.returncode == 0 and '"taps"' in done.stdout, done.stderr
    proc = no_qt("simulate", "hive", "--speed", "20", background=True, database_arg=False)
    assert proc.stdout.readline().startswith("/dev/pts/")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


def test_self_test_headless_passes_and_without_headless_fails_on_the_window(no_qt):
    done = no_qt("self-test", "--headless", database_arg=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skip window" in done.stdout and "self-test passed" in done.stdout
    done = no_qt("self-test", database_arg=False)
    assert done.returncode == 1
    assert "FAIL window" in done.stdout and "self-test --headless" in done.stdout


NO_EGL = """
import importlib.abc
import sys


class NoEGL(importlib.abc.MetaPathFinder):
    \"\"\"PySide6 installed on a machine without Qt's system libraries.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name in ("PySide6.QtGui", "PySide6.QtWidgets"):  # both link libEGL
            raise ImportError("libEGL.so.1: cannot open shared object file", name=name)
        return None


sys.meta_path.insert(0, NoEGL())
"""


def test_run_with_qt_that_does_not_load_says_why_in_one_line(tmp_path):
    site = tmp_path / "no-egl"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_EGL)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *sys.path]))
    done = subprocess.run([sys.executable, "-m", "kegdash", "run", "--port", "0", "--database",
                           f"sqlite:///{tmp_path / 'run.sqlite'}"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "kegdash: error: Qt is installed but does not load (libEGL.so.1: cannot open shared object "
        "file); the README lists the system libraries it needs"]


def test_a_pipx_install_is_told_to_inject_the_extras_requirements(tmp_path):
    from kegdash.cli import gui_install_hint

    venv = tmp_path / "venvs" / "kegdash"
    venv.mkdir(parents=True)
    assert gui_install_hint(str(venv)) == "pip install 'kegdash[gui]'"
    (venv / "pipx_metadata.json").write_text("{}")  # what pipx leaves in the venvs it makes
    hint = gui_install_hint(str(venv))
    assert hint.startswith("pipx inject kegdash 'PySide6-Essentials")
    assert "'pyqtgraph" in hint
