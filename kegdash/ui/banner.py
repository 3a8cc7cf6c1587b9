"""A page's short messages ("Saved.", "Keg started.", a refusal) shown over the page's bottom edge.

A banner floats above the page instead of taking a row of its layout, so it never pushes the
page down under the operator's pointer, and it goes by itself: a confirmation after a few
seconds, an error after a little longer (a click dismisses either at once).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

INFO_MS = 4_000
ERROR_MS = 10_000
MARGIN = 16
MAX_WIDTH = 720


class Banner(QLabel):
    """Call :meth:`show_message`; the banner places itself over its page and follows resizes."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page, objectName="message")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to dismiss")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        page.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        """Show ``text``; ``kind`` "error" draws it as a refusal and keeps it longer."""
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self._place()
        self.raise_()
        self.show()
        self._timer.start(ERROR_MS if kind == "error" else INFO_MS)

    def _place(self) -> None:
        page = self.parentWidget()
        width = min(MAX_WIDTH, max(page.width() - 2 * MARGIN, 120))
        height = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        self.setGeometry((page.width() - width) // 2, page.height() - height - MARGIN, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        self.hide()
        event.accept()
