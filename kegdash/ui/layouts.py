"""Small layout and label builders the pages share: rows, hints, and the empty state a page
shows before it has anything to list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


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


def empty_state(title: str, text: str, actions: list[tuple[str, Callable[[], object]]]) -> QWidget:
    """What a page shows while it has nothing to list: what goes here, and buttons for the first
    steps, the first of them the default."""
    panel = QWidget(objectName="emptyState")
    heading = QLabel(title, objectName="pageTitle")
    heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
    words = QLabel(text, objectName="hint")
    words.setWordWrap(True)
    words.setAlignment(Qt.AlignmentFlag.AlignCenter)
    words.setMaximumWidth(520)
    centred = QHBoxLayout()  # not an alignment flag: a wrapped label needs its height for width
    centred.addStretch(1)
    centred.addWidget(words, 4)
    centred.addStretch(1)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    for n, (label, action) in enumerate(actions):
        button = QPushButton(label, objectName="primary" if n == 0 else "")
        button.clicked.connect(lambda _checked=False, action=action: action())
        buttons.addWidget(button)
    buttons.addStretch(1)
    column = QVBoxLayout(panel)
    column.addStretch(1)
    column.addWidget(heading)
    column.addLayout(centred)
    column.addSpacing(12)
    column.addLayout(buttons)
    column.addStretch(2)
    return panel
