"""``kegdash self-test`` in-process: it passes on a healthy tree and says so when something breaks."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from kegdash import self_test
from kegdash.server import app as server_app
from kegdash.server import kegbot


def test_self_test_passes_and_keeps_the_png(qapp, tmp_path, capsys):
    png = tmp_path / "shots" / "window.png"
    assert self_test.run_self_test(tmp_path / "work", keep=png) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "self-test passed" in out
    for prefix, _ in server_app.DIALECTS:
        assert f"ok   api {prefix}" in out
    assert png.stat().st_size > self_test.MIN_PNG_BYTES
    assert (tmp_path / "work" / "self-test.sqlite").exists()


def test_unmounted_dialect_is_skipped_and_unknown_one_fails(qapp, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(server_app, "DIALECTS", [("/api/", kegbot), ("/other/", kegbot)])
    assert self_test.run_self_test(tmp_path) == 1
    out = capsys.readouterr().out
    assert "ok   api /api/" in out
    assert "skip api /api_v1/" in out
    assert "FAIL api /other/" in out and "no probe" in out
    assert "self-test FAILED: 1 of" in out


def test_blank_window_png_is_rejected(qapp, tmp_path):
    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    path = tmp_path / "blank.png"
    assert image.save(str(path))
    with pytest.raises(self_test.CheckFailed, match="colours"):
        self_test.check_png(path)
