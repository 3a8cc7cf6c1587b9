"""Small layout and label builders the pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


def left_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side from the left, the rest of the width left empty (a row of buttons
    or a short "between … and …" field that should not stretch across the page)."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def hint(text: str) -> QLabel:
    """A wrapped line of explanation in the theme's quieter hint style."""
    label = QLabel(text, objectName="hint")
    label.setWordWrap(True)
    return label
