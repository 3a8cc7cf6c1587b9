"""The live table model: reads on the task runner, changes applied in place (never a reset), the
view keeping its selection, the rows on screen and a sort through them."""

import pytest
from PySide6.QtCore import QModelIndex, Qt

from kegdash.ui.table_model import Column, LazyTableModel, LiveTableView
from kegdash.ui.tasks import TaskRunner


class Source:
    """Rows as a database would give them, newest first; a test changes them between reads."""

    def __init__(self, rows):
        self.rows = list(rows)
        self.reads = []

    def fetch(self, offset, limit):
        self.reads.append((offset, limit))
        return list(self.rows[offset:offset + limit])


@pytest.fixture
def runner(qtbot, database):  # the runner closes its thread's connection after each job
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def make(qtbot, runner, rows, page=200):
    source = Source(rows)
    model = LazyTableModel([Column("Name"), Column("Amount", str, True)], source.fetch, runner, page)
    signals = []
    for name in ("modelReset", "rowsInserted", "rowsRemoved", "rowsMoved", "dataChanged"):
        getattr(model, name).connect(lambda *args, name=name: signals.append(name))
    model.reload()
    qtbot.waitUntil(lambda: model.loaded)
    signals.clear()
    return source, model, signals


def shown(model):
    return [model.row_id(r) for r in range(model.rowCount())], \
        [model.row_values(r) for r in range(model.rowCount())]


def refreshed(qtbot, model):
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh()


def test_a_refresh_applies_insertions_removals_moves_and_changes_in_place(qtbot, runner):
    source, model, signals = make(qtbot, runner, [(n, f"row {n}", n) for n in range(5, 0, -1)])
    assert shown(model)[0] == [5, 4, 3, 2, 1]
    source.rows = [(7, "row 7", 7), (6, "row 6", 6), (5, "row 5", 5), (3, "row 3", 30),
                   (1, "row 1", 1), (2, "row 2", 2)]  # 4 went, 3 changed, 2 and 1 swapped
    refreshed(qtbot, model)
    assert shown(model)[0] == [7, 6, 5, 3, 1, 2]
    assert shown(model)[1][3] == ("row 3", 30)
    assert "modelReset" not in signals
    assert {"rowsInserted", "rowsRemoved", "rowsMoved", "dataChanged"} <= set(signals)
    assert signals.count("rowsInserted") == 1  # the two new rows arrive together

    signals.clear()
    refreshed(qtbot, model)  # nothing changed: nothing said
    assert signals == []


def test_rows_load_a_page_at_a_time_and_a_refresh_rereads_what_is_loaded(qtbot, runner):
    source, model, _ = make(qtbot, runner, [(n, f"row {n}", n) for n in range(250, 0, -1)], page=100)
    assert model.rowCount() == 100 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 200)
    source.rows.insert(0, (251, "row 251", 251))
    refreshed(qtbot, model)
    assert source.reads[-1] == (0, 200) and model.row_id(0) == 251 and model.rowCount() == 200
    model.fetchMore(QModelIndex())  # the row pushed past the loaded ones comes with the next page
    qtbot.waitUntil(lambda: model.exhausted)
    assert shown(model)[0] == list(range(251, 0, -1))


def test_a_page_read_while_a_refresh_changed_the_rows_is_read_again(qtbot, runner):
    source, model, _ = make(qtbot, runner, [(n, f"row {n}", n) for n in range(30, 0, -1)], page=10)
    model.fetchMore(QModelIndex())  # reads rows 10-19 ...
    source.rows.insert(0, (31, "row 31", 31))
    model.refresh()  # ... while a refresh (submitted after it) shifts every row by one
    model.fetch_all()
    # Whichever read ends first, the rows end up whole: no row twice, none missing.
    qtbot.waitUntil(lambda: model.exhausted and shown(model)[0] == list(range(31, 0, -1)))


def test_without_a_runner_reads_happen_at_once(qtbot):
    source = Source([(1, "a", 1), (2, "b", 2)])
    model = LazyTableModel([Column("Name"), Column("Amount")], source.fetch)
    model.reload()
    assert model.rowCount() == 2 and model.data(model.index(1, 0)) == "b"


def test_the_view_keeps_selection_rows_on_screen_and_sort_through_updates(qtbot, runner):
    source, model, _ = make(qtbot, runner, [(n, f"row {n:03}", n) for n in range(120, 0, -1)])
    view = LiveTableView(model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    view.select_source_row(model.row_of(60))
    view.scrollTo(view.proxy.index(55, 0), view.ScrollHint.PositionAtTop)
    top = view.proxy.mapToSource(view.indexAt(view.viewport().rect().topLeft())).row()
    top_id = model.row_id(top)

    source.rows[:0] = [(122, "row 122", 122), (121, "row 121", 121)]  # two pours arrive on top
    source.rows = [(i, name, amount * 2 if i == 60 else amount) for i, name, amount in source.rows]
    refreshed(qtbot, model)
    assert model.row_id(view.selected_source_row()) == 60 and model.row_values(model.row_of(60))[1] == 120
    shown_top = view.proxy.mapToSource(view.indexAt(view.viewport().rect().topLeft())).row()
    assert model.row_id(shown_top) == top_id  # the same row is still at the top of the screen

    view.scrollToTop()
    source.rows.insert(0, (123, "row 123", 123))
    refreshed(qtbot, model)
    assert view.verticalScrollBar().value() == 0  # at the top, new rows show as they come

    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by amount: every row is read first
    qtbot.waitUntil(lambda: model.exhausted)
    source.rows.insert(0, (124, "row 124", 0))
    refreshed(qtbot, model)
    amounts = [view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())]
    assert amounts[0] == "0" and [int(a) for a in amounts] == sorted(int(a) for a in amounts)
    assert model.row_id(view.selected_source_row()) == 60
