"""``kegdash self-test``: the smoke test of a built or installed kegdash, in about two seconds.

Unit tests run against the source tree; this runs the same code paths as the real program from
wherever it is installed (the PyInstaller bundle, the .deb under ``/opt``, a virtualenv), so it
catches what packaging breaks: missing migrations, resources, Qt plugins, serial URL handlers,
package metadata (the version) or a dialect that no longer answers. Everything happens in a
scratch directory; the user's database, settings and window state are never touched.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kegdash import __version__

MIN_PNG_BYTES = 10_000
MIN_PNG_COLOURS = 16
SETTLE_MS = 500  # lets the pages' first queries and timers run before the grab


class CheckFailed(Exception):
    """One check failed; the message says what was expected and what came back."""


class Report:
    """Prints one line per check as it finishes and remembers whether any failed."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def line(self, status: str, name: str, detail: str) -> None:
        print(f"{status:<4} {name:<16} {detail}", flush=True)

    def check(self, name: str, fn: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # a self-test reports every failure and carries on
            self.failed += 1
            self.line("FAIL", name, f"{type(exc).__name__}: {exc}")
            return False
        self.passed += 1
        self.line("ok", name, f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")
        return True


def _http(base: str, method: str, path: str, body: dict[str, Any] | None = None
          ) -> tuple[int, dict[str, str], Any]:
    """(status, headers, decoded JSON body) without raising on 4xx/5xx."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, head, raw = exc.code, dict(exc.headers), exc.read()
    try:
        return status, head, json.loads(raw)
    except ValueError:
        raise CheckFailed(f"{method} {path}: HTTP {status} with a body that is not JSON: "
                          f"{raw[:80]!r}") from None


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def probe_kegbot(base: str) -> str:
    status, headers, doc = _http(base, "GET", "/api/version")
    _expect(status == 200, f"GET /api/version: HTTP {status}, expected 200")
    found = doc.get("result", {}).get("server_version")
    _expect(found == __version__, f"GET /api/version: server_version {found!r}, expected {__version__!r}")
    server = headers.get("Server", "")
    _expect(__version__ in server, f"Server header {server!r} lacks the version {__version__}")
    return f"GET /api/version → 200, {found}, Server: {server}"


def probe_kegbot_v1(base: str) -> str:
    status, _, doc = _http(base, "GET", "/api/v1/version")
    _expect(status == 200, f"GET /api/v1/version: HTTP {status}, expected 200")
    _expect(doc.get("meta") == {"result": "ok"} and "server_version" in doc.get("object", {}),
            f"GET /api/v1/version: not the Kegbot 1.x envelope: {doc}")
    return f"GET /api/v1/version → 200, Kegbot Server {doc['object']['server_version']} dialect"


# A small pale ale: its calculation and brew day run the brewing engine (compiled in the bundle).
_PALE_ALE = {
    "name": "Pale Ale", "batchSize": 20, "boilSize": 10,
    "fermentables": [{"name": "Pale malt", "weight": 4.5, "yield": 75, "color": 3}],
    "spices": [{"name": "Cascade", "weight": 0.028, "aa": 4.5, "time": 60, "use": "boil",
                "form": "pellet"}],
    "yeast": [{"name": "US-05", "type": "ale", "form": "dry", "attenuation": 78}],
}


def probe_tapline(base: str) -> str:
    body = {"format": "json", "recipes": [_PALE_ALE]}
    status, _, doc = _http(base, "POST", "/v1/calculate/recipe", body)
    _expect(status == 200, f"POST /v1/calculate/recipe: HTTP {status}, expected 200: {doc}")
    answer = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else {}
    og, steps = answer.get("og"), answer.get("timeline")
    _expect(isinstance(og, float) and abs(og - 1.0488) < 0.0001 and isinstance(steps, list)
            and len(steps) > 5, f"POST /v1/calculate/recipe: unexpected answer {doc}")
    return f"POST /v1/calculate/recipe → 200, OG {og:.3f}, a brew day of {len(steps)} steps"


def probe_beekeeping(base: str) -> str:
    status, _, doc = _http(base, "GET", "/api_v1/data_upload")
    _expect(status == 401, f"GET /api_v1/data_upload without a key: HTTP {status}, expected 401")
    _expect(isinstance(doc, dict) and doc.get("status_code") == 0 and doc.get("code") == 401,
            f"GET /api_v1/data_upload: not the 401 envelope: {doc}")
    return "GET /api_v1/data_upload without a licence key → 401 envelope"


# A dialect mounted in kegdash.server.app.DIALECTS without a probe here fails the self-test.
PROBES: dict[str, Callable[[str], str]] = {
    "/api/": probe_kegbot,
    "/api/v1/": probe_kegbot_v1,
    "/v1/": probe_tapline,
    "/api_v1/": probe_beekeeping,
}


def check_version() -> str:
    _expect(not __version__.startswith("0.0.0"),
            f"version {__version__}: the package metadata is missing (not installed or not bundled)")
    return f"kegdash {__version__}, brewing engine {engine_kind()}"


def engine_kind() -> str:
    """"compiled" where the brewing engine is mypyc's C extensions (the bundle and the .deb),
    "Python" where it runs from its sources (a checkout, the wheel)."""
    import importlib.machinery
    import sys

    import kegdash.brewing  # noqa: F401  (the package imports its timeline module)

    where = sys.modules["kegdash.brewing.timeline"].__file__ or ""
    return "compiled" if where.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)) else "Python"


def check_resources() -> str:
    from kegdash.resources import resource_path, resource_root

    for parts in (("icons", "kegdash.svg"), ("demo", "demo.json"), ("styles", "kegdash.qss"),
                  ("beerxml", "sample-recipes.xml")):
        resource_path(*parts)
    count = sum(1 for p in resource_root().rglob("*") if p.is_file())
    return f"{count} files in {resource_root()}"


def check_serial() -> str:
    """``loop://`` needs serial.urlhandler, which PyInstaller only bundles when told to."""
    import serial

    with serial.serial_for_url("loop://", timeout=1) as port:
        port.write(b"kegdash")
        echoed = port.read(7)
    _expect(echoed == b"kegdash", f"loop:// echoed {echoed!r}")
    return f"pyserial {serial.VERSION}, loop:// echoes"


def check_png(path: Path) -> str:
    """A broken build renders a blank or black window: ask for size and a spread of colours."""
    from PySide6.QtGui import QImage

    size = path.stat().st_size
    image = QImage(str(path))
    _expect(not image.isNull(), f"{path} is not a readable PNG")
    _expect(image.width() >= 640 and image.height() >= 400,
            f"{path} is only {image.width()}×{image.height()}")
    step = 4
    colours = {image.pixel(x, y) for x in range(0, image.width(), step)
               for y in range(0, image.height(), step)}
    _expect(len(colours) >= MIN_PNG_COLOURS, f"{path} has {len(colours)} colours: a blank window")
    _expect(size >= MIN_PNG_BYTES, f"{path} is {size} bytes: a blank window")
    return f"{image.width()}×{image.height()}, {size // 1024} KB, {len(colours)} colours"


def _use_offscreen_without_display() -> str:
    """Offscreen unless a display is there, so CI and SSH sessions need no X server."""
    if not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "default")


def render_window(workdir: Path, api_state: str, database_label: str, png: Path) -> str:
    """Build the window as ``kegdash.ui.app.run_window`` does, show it, let it settle, grab it."""
    try:
        import PySide6  # noqa: F401
    except ModuleNotFoundError as exc:
        raise CheckFailed(f"{exc}: the gui extra is not installed; "
                          "self-test --headless checks the rest") from None
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from kegdash import events
    from kegdash.config import Settings
    from kegdash.ui import qt_messages
    from kegdash.ui.bridge import EventBridge
    from kegdash.ui.main_window import MainWindow, app_icon

    platform = _use_offscreen_without_display()
    qt_messages.install()
    app = QApplication.instance()
    if app is None:
        app = QApplication(["kegdash"])
        app.setApplicationName("kegdash")
        app.setOrganizationName("")
        app.setApplicationVersion(__version__)
        app.setWindowIcon(app_icon())
    # Window geometry, page and preferences go to the scratch directory, not the user's config.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir / "qsettings"))

    bridge = EventBridge(events.bus)
    window = MainWindow(bridge, api_state, database_label, Settings(port=0))
    try:
        window.show()
        loop = QEventLoop()
        QTimer.singleShot(SETTLE_MS, loop.quit)
        loop.exec()
        png.parent.mkdir(parents=True, exist_ok=True)
        _expect(window.grab().save(str(png), "PNG"), f"could not write {png}")
    finally:
        window.close()
        bridge.detach()
        window.deleteLater()
        bridge.deleteLater()
        app.processEvents()
    return f"{type(window).__name__} on the {platform} platform → {png}"


def run_self_test(workdir: Path | None = None, keep: Path | None = None, headless: bool = False) -> int:
    """Run every check in ``workdir`` (a temporary directory if None); 0 if all passed, else 1.

    ``keep`` is where the window's PNG is written; without it the PNG goes with ``workdir``.
    ``headless`` leaves the window out, for an install without the gui extra (no Qt).
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="kegdash-self-test-") as tmp:
            return _run(Path(tmp), keep, headless)
    workdir.mkdir(parents=True, exist_ok=True)
    return _run(workdir, keep, headless)


def _run(workdir: Path, keep: Path | None, headless: bool) -> int:
    from kegdash.db import close_database, database, open_database, redact

    started = time.perf_counter()
    report = Report()
    print(f"kegdash self-test in {workdir}", flush=True)
    report.check("version", check_version)
    report.check("resources", check_resources)
    report.check("serial", check_serial)

    url = f"sqlite:///{workdir / 'self-test.sqlite'}"

    def check_database() -> str:
        db = open_database(url)
        tables = db.get_tables()
        _expect("tap" in tables, f"no tap table after the migrations: {tables}")
        return f"{len(tables)} tables after the migrations"

    def check_demo_data() -> str:
        from kegdash.demo_data import load_demo_data

        counts = load_demo_data()
        return ", ".join(f"{n} {kind}" for kind, n in counts.items())

    if report.check("database", check_database):
        report.check("demo data", check_demo_data)
        try:
            _serve_and_render(report, workdir, url, keep or workdir / "main-window.png", redact,
                              headless)
        finally:
            if database.obj is not None:
                close_database()

    elapsed = time.perf_counter() - started
    total = report.passed + report.failed
    if report.failed:
        print(f"kegdash self-test FAILED: {report.failed} of {total} checks ({elapsed:.1f} s)")
        return 1
    print(f"kegdash self-test passed: {total} checks ({elapsed:.1f} s)")
    return 0


def _serve_and_render(report: Report, workdir: Path, url: str, png: Path,
                      redact: Callable[[str], str], headless: bool) -> None:
    from kegdash.server.app import DIALECTS, build_app
    from kegdash.server.runner import ApiServer

    server: ApiServer | None = ApiServer(build_app(), "127.0.0.1", 0, threads=4)

    def start() -> str:
        server.start()
        return f"listening on {server.url}"

    if not report.check("server", start):
        server = None
    try:
        mounted = {prefix for prefix, _ in DIALECTS}
        for prefix, probe in PROBES.items():
            if prefix not in mounted:
                report.line("skip", f"api {prefix}", "dialect not mounted in this build")
            elif server is not None:
                report.check(f"api {prefix}", lambda probe=probe: probe(server.url))
        for prefix in sorted(mounted - PROBES.keys()):
            report.check(f"api {prefix}", lambda prefix=prefix: _expect(
                False, f"mounted but kegdash.self_test has no probe for {prefix}"))
        api_state = server.url if server is not None else "not running"
        if headless:
            report.line("skip", "window", "--headless")
        elif report.check("window", lambda: render_window(workdir, api_state, redact(url), png)):
            report.check("png", lambda: check_png(png))
    finally:
        if server is not None:
            server.stop()

