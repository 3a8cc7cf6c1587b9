"""Light and dark themes: a Fusion palette plus one stylesheet template, scaled up in kiosk mode.

The template (``resources/styles/kegdash.qss``) holds the layout of the look; the colours live
here so the two themes cannot drift apart in structure.
"""

from __future__ import annotations

from string import Template

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from kegdash.resources import resource_path

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#f4f1ea", "panel": "#ffffff", "fg": "#1f1e1c", "muted": "#6d6a64",
        "border": "#d9d3c7", "accent": "#c8790a", "on_accent": "#ffffff", "ok": "#3f8f4f",
        "low_bg": "#fff3dc", "low_fg": "#d48806", "kicked_bg": "#f8e1df", "kicked_fg": "#b3261e",
        "empty_bg": "#ece9e2", "plot_bg": "#ffffff", "plot_fg": "#3a3a3a",
    },
    "dark": {
        "bg": "#16171a", "panel": "#212328", "fg": "#ecebe7", "muted": "#9b9aa0",
        "border": "#373a40", "accent": "#f0a43a", "on_accent": "#16171a", "ok": "#5cb870",
        "low_bg": "#3a2f17", "low_fg": "#f0a43a", "kicked_bg": "#3b1d1c", "kicked_fg": "#ff7566",
        "empty_bg": "#1b1c20", "plot_bg": "#1b1c20", "plot_fg": "#c8c8c8",
    },
}

BASE_PT = 10
KIOSK_SCALE = 1.6


def stylesheet(theme: str, kiosk: bool = False) -> str:
    """The filled-in stylesheet; kiosk mode enlarges every font for reading from a few metres."""
    scale = KIOSK_SCALE if kiosk else 1.0
    base = round(BASE_PT * scale)
    values = dict(PALETTES[theme], base=base, large=round(base * 1.3), huge=round(base * 1.8),
                  gauge_h=round(30 * scale))
    template = Template(resource_path("styles", "kegdash.qss").read_text(encoding="utf-8"))
    return template.substitute(values)


def palette(theme: str) -> QPalette:
    colours = PALETTES[theme]
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, QColor(colours["bg"]))
    pal.setColor(role.WindowText, QColor(colours["fg"]))
    pal.setColor(role.Base, QColor(colours["panel"]))
    pal.setColor(role.AlternateBase, QColor(colours["bg"]))
    pal.setColor(role.Text, QColor(colours["fg"]))
    pal.setColor(role.Button, QColor(colours["panel"]))
    pal.setColor(role.ButtonText, QColor(colours["fg"]))
    pal.setColor(role.Highlight, QColor(colours["accent"]))
    pal.setColor(role.HighlightedText, QColor(colours["on_accent"]))
    pal.setColor(role.ToolTipBase, QColor(colours["panel"]))
    pal.setColor(role.ToolTipText, QColor(colours["fg"]))
    pal.setColor(role.PlaceholderText, QColor(colours["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(colours["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(colours["muted"]))
    return pal


def apply_theme(theme: str, kiosk: bool = False) -> None:
    """Theme the whole application, so dialogs and message boxes match the window."""
    app = QApplication.instance()
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme, kiosk))
