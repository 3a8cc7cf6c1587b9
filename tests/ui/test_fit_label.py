"""Text that never spills: wrapped between words, shrunk where allowed, shortened with an
ellipsis only when that is not enough."""

from PySide6.QtGui import QFont, QFontMetrics

from kegdash.ui.fit_label import FitLabel, wrap


def test_wrap_breaks_between_words_and_shortens_only_what_does_not_fit(qtbot):
    metrics = QFontMetrics(QFont("DejaVu Sans", 12))
    width = metrics.horizontalAdvance("Hefeweissbier Dunkel") + 2
    assert wrap("Weihenstephaner Hefeweissbier Dunkel", metrics, width, 2) == (
        ["Weihenstephaner", "Hefeweissbier Dunkel"], True)
    rows, whole = wrap("Weihenstephaner Hefeweissbier Dunkel Export", metrics, width, 2)
    assert not whole and rows[0] == "Weihenstephaner" and rows[1].endswith("…")
    rows, whole = wrap("Donaudampfschifffahrtsgesellschaftskapitänsbier", metrics, width, 2)
    assert not whole and rows[0].endswith("…") and metrics.horizontalAdvance(rows[0]) <= width


def test_a_label_shrinks_before_it_shortens(qtbot):
    label = FitLabel(1, min_scale=0.5)
    qtbot.addWidget(label)
    label.setFont(QFont("DejaVu Sans", 20))
    label.setText("Oatmeal Stout")
    label.resize(QFontMetrics(label.font()).horizontalAdvance("Oatmeal Stout") * 3 // 4, 60)
    font, lines, whole = label.fitted()
    assert whole and lines == ["Oatmeal Stout"] and font.pointSizeF() < 20
    assert label.text() == "Oatmeal Stout"
