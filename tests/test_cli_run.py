"""``kegdash run`` as a real process: without a display it says so in one line and exits 1
(Qt aborted with code 134 and advised reinstalling)."""

import os
import subprocess
import sys


def test_no_display_is_one_line_and_exit_1(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(KEGDASH_DATA_DIR=str(tmp_path / "data"), KEGDASH_CONFIG_DIR=str(tmp_path / "config"))
    for args in (["run"], ["run", "--kiosk"], []):
        done = subprocess.run([sys.executable, "-m", "kegdash", *args, "--database",
                               f"sqlite:///{tmp_path / 'bar.sqlite'}"],
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, done
        assert done.stderr.splitlines() == [
            "kegdash: error: no display to open the window on (neither DISPLAY nor "
            "WAYLAND_DISPLAY is set); `kegdash serve` runs the API without a window"]
        assert done.stdout == ""
    assert not (tmp_path / "bar.sqlite").exists()  # nothing was started
