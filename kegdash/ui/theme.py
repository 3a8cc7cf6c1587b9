"""Light and dark themes: a Fusion palette plus one stylesheet template.

The template (``resources/styles/kegdash.qss``) holds the layout of the look; the colours live
here so the two themes cannot drift apart in structure. Every text colour is paired with the
backgrounds it is drawn on in :data:`TEXT_ON`, and each pair meets WCAG AA (a contrast ratio of
4.5:1 or more; ``tests/ui/test_theme.py`` computes them): ``on_*`` colours are for text on a
filled ``*`` colour (a selection, a keg level, a badge).
"""

from __future__ import annotations

from string import Template

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from kegdash.resources import resource_path

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#f4f1ea", "panel": "#ffffff", "fg": "#1f1e1c", "muted": "#5e5b55",
        "border": "#d9d3c7", "control_border": "#8a857c",
        "accent": "#c8790a", "on_accent": "#1f1e1c", "accent_text": "#8f5400",
        "ok": "#2f7a3f", "on_ok": "#ffffff",
        "low_bg": "#fff3dc", "low_fg": "#d48806", "on_low": "#1f1e1c",
        "kicked_bg": "#f8e1df", "kicked_fg": "#b3261e", "on_kicked": "#ffffff",
        "empty_bg": "#ece9e2", "plot_bg": "#ffffff", "plot_fg": "#3a3a3a",
    },
    "dark": {
        "bg": "#16171a", "panel": "#212328", "fg": "#ecebe7", "muted": "#9b9aa0",
        "border": "#373a40", "control_border": "#8d8c93",
        "accent": "#f0a43a", "on_accent": "#16171a", "accent_text": "#f0a43a",
        "ok": "#5cb870", "on_ok": "#16171a",
        "low_bg": "#3a2f17", "low_fg": "#f0a43a", "on_low": "#16171a",
        "kicked_bg": "#3b1d1c", "kicked_fg": "#ff7566", "on_kicked": "#16171a",
        "empty_bg": "#1b1c20", "plot_bg": "#1b1c20", "plot_fg": "#c8c8c8",
    },
}

SURFACES = ("bg", "panel", "low_bg", "kicked_bg", "empty_bg")
"""Every background plain text is drawn on: the window, panels, and the tap cards' states."""

TEXT_ON: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fg", SURFACES),
    ("muted", SURFACES),                      # hints, a card's style and last pour
    ("accent_text", SURFACES),                # "Pouring…" on any card
    ("on_accent", ("accent",)),               # selections, the chosen page, primary buttons
    ("on_ok", ("ok",)),                       # a keg level's text over its fill
    ("on_low", ("low_fg",)),                  # a low keg's level and LOW badge
    ("on_kicked", ("kicked_fg",)),            # the KICKED badge
    ("kicked_fg", ("kicked_bg",)),            # an error banner
    ("bg", ("fg",)),                          # an info banner (the colours reversed)
)
"""(text colour, the backgrounds it appears on) for every text the themes draw."""

CONTROL_EDGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("control_border", ("bg", "panel")),      # the box of an unchecked checkbox
)
"""Edges that must be seen (WCAG's 3:1 for the parts of a control)."""

BASE_PT = 10


def stylesheet(theme: str) -> str:
    """The filled-in stylesheet."""
    values = dict(PALETTES[theme], base=BASE_PT, large=round(BASE_PT * 1.3),
                  huge=round(BASE_PT * 1.8),
                  check=resource_path("icons", "check.svg").as_posix())
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
    pal.setColor(role.Link, QColor(colours["accent_text"]))
    for group in (QPalette.ColorGroup.Disabled,):
        pal.setColor(group, role.Text, QColor(colours["muted"]))
        pal.setColor(group, role.ButtonText, QColor(colours["muted"]))
        pal.setColor(group, role.WindowText, QColor(colours["muted"]))
    # A selection keeps its colours when the window loses focus: an operator glancing at another
    # program must still see which keg is selected, and read it.
    pal.setColor(QPalette.ColorGroup.Inactive, role.Highlight, QColor(colours["accent"]))
    pal.setColor(QPalette.ColorGroup.Inactive, role.HighlightedText, QColor(colours["on_accent"]))
    return pal


def apply_theme(theme: str) -> None:
    """Theme the whole application, so dialogs and message boxes match the window.

    Each of these calls re-polishes every widget the application has, so only what changes is
    set: a second window, or the theme already shown, costs nothing. Fusion is set once, before
    the first stylesheet; after that the application's style is the stylesheet's wrapper around
    it (whose name is empty), and setting Fusion again would rebuild every widget's style twice.
    """
    app = QApplication.instance()
    sheet = stylesheet(theme)
    if app.styleSheet() == sheet:
        return
    if not app.styleSheet() and app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette(theme))
    app.setStyleSheet(sheet)
