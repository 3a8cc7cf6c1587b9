import threading

from held_up import FirstCallHeldUp
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Drink, Keg, KegSize, Tap
from kegdash.bar.taps import add_tap, start_keg
from kegdash.bar.views import count_drinks
from kegdash.db import database


def click_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def select_row(view, row):
    view.selectionModel().select(view.model().index(row, 0),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)


def test_add_tap_start_and_end_keg_through_the_ui(qtbot, window, monkeypatch):
    page = window.kegs_page
    window.nav.setCurrentRow(1)
    qtbot.mouseClick(page.add_tap_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.name.setText("Front tap")
    dialog.meter.setText("kegboard.flow0")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    tap = Tap.get(Tap.name == "Front tap")
    assert tap.meter_name == "kegboard.flow0" and not dialog.isVisible()
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards)

    qtbot.mouseClick(page.start_keg_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.tap.currentData() == tap.id
    dialog.beverage.setCurrentText("Racer 5")
    dialog.style.setText("American IPA")
    dialog.abv.setValue(7.0)
    dialog.size.setCurrentIndex(dialog.size.findData("sixth"))
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    keg = Keg.get_by_id(Tap.get_by_id(tap.id).current_keg_id)
    assert (keg.beverage.name, keg.beverage.abv, keg.size.slug) == ("Racer 5", 7.0, "sixth")
    qtbot.waitUntil(lambda: page.kegs.rowCount() == 1)
    assert page.kegs.rowCount() == 1 and page.kegs.row_values(0)[:2] == ("Front tap", "Racer 5")

    select_row(page.keg_view, 0)
    assert page.end_keg_button.isEnabled()
    asked = []
    monkeypatch.setattr(page, "confirm", lambda *words: asked.append(words) or True)
    qtbot.mouseClick(page.end_keg_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == "The Racer 5 keg on Front tap is ended.")
    assert asked == [("End the Racer 5 keg on Front tap?", "0 drinks, 0.0 L served. The keg leaves "
                      "its tap for good; start a new keg there afterwards.", "End keg", "Keep pouring")]
    assert Keg.get_by_id(keg.id).status == Keg.OFFLINE
    assert Tap.get_by_id(tap.id).current_keg_id is None
    qtbot.waitUntil(lambda: window.taps_page.cards[tap.id].state == "empty")


def test_custom_litre_size_is_accepted(qtbot, window):
    tap = add_tap("Tap 1", "kegboard.flow0")
    window.kegs_page.open_start_keg()
    dialog = window.kegs_page.dialog
    dialog.beverage.setCurrentText("Cider")
    dialog.size.setCurrentText("20 L")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    keg = Keg.get_by_id(Tap.get_by_id(tap.id).current_keg_id)
    assert keg.full_volume_ml == 20000


def test_bad_input_shows_a_message_and_changes_nothing(qtbot, window):
    add_tap("Tap 1", "kegboard.flow0")
    page = window.kegs_page
    sizes = KegSize.select().count()
    page.open_start_keg()
    dialog = page.dialog
    dialog.beverage.setCurrentText("   ")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "beverage name" in dialog.error.text()
    dialog.beverage.setCurrentText("Mystery")
    dialog.size.setCurrentText("a bucket")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "unknown keg size" in dialog.error.text())
    assert dialog.isVisible() and "unknown keg size" in dialog.error.text()
    assert Keg.select().count() == 0 and KegSize.select().count() == sizes
    dialog.reject()

    page.open_add_tap()
    dialog = page.dialog
    dialog.name.setText("Tap 1")
    dialog.meter.setText("kegboard.flow5")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "exists already" in dialog.error.text())
    assert dialog.isVisible() and "exists already" in dialog.error.text()
    assert Tap.select().count() == 1
    dialog.reject()


def test_end_keg_refusal_is_a_message_not_a_crash(qtbot, window, monkeypatch):
    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Racer 5", size="corny")
    page = window.kegs_page
    page.reload()
    qtbot.waitUntil(lambda: page.kegs.rowCount() == 1)
    select_row(page.keg_view, 0)
    monkeypatch.setattr(page, "confirm", lambda *words: True)
    Tap.update(current_keg=None).where(Tap.id == tap.id).execute()
    page.end_selected_keg()
    qtbot.waitUntil(lambda: not page.message.isHidden())
    assert page.message.property("kind") == "error" and not page.message.isHidden()
    assert "on a tap" in page.message.text()


def test_cancel_drink_through_the_ui(qtbot, window, monkeypatch):
    tap = add_tap("Tap 1", "kegboard.flow0")
    keg = start_keg(tap.id, "Racer 5", size="corny")
    drink = record_drink(tap.id, ticks=0, volume_ml=400).drink
    page = window.kegs_page
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.drinks.rowCount() == 1)
    select_row(page.drink_view, 0)
    monkeypatch.setattr(page, "confirm", lambda *words: True)
    qtbot.mouseClick(page.cancel_drink_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == "The 400 ml of Racer 5 is cancelled.")
    assert page.drinks.row_id(0) == drink.id
    assert not Drink.get_by_id(drink.id).is_valid
    assert Keg.get_by_id(keg.id).served_ml == 0
    qtbot.waitUntil(lambda: page.drinks.rowCount() == 1 and page.drinks.row_values(0)[-1] is False)


def test_drinks_load_lazily_and_filter_by_keg(qtbot, window):
    first = add_tap("Tap 1", "kegboard.flow0")
    second = add_tap("Tap 2", "kegboard.flow1")
    keg = start_keg(first.id, "Racer 5", size="half-barrel")
    start_keg(second.id, "Stout", size="half-barrel")
    with database.atomic():
        for n in range(250):
            record_drink(first.id if n % 3 else second.id, ticks=0, volume_ml=100 + n % 50)
    page = window.kegs_page
    page.reload()
    qtbot.waitUntil(lambda: page.drinks.rowCount() == 200 and page.kegs.rowCount() == 2
                    and page.drinkers.rowCount() and page.sessions.rowCount(), timeout=20_000)
    assert page.drinks.canFetchMore(QModelIndex())
    page.drinks.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: page.drinks.rowCount() == 250, timeout=20_000)
    assert not page.drinks.canFetchMore(QModelIndex())
    row = next(r for r in range(page.kegs.rowCount()) if page.kegs.row_id(r) == keg.id)
    page.keg_view.select_source_row(row)
    assert page.keg_id == keg.id
    qtbot.waitUntil(lambda: page.drinks_title.text() == f"166 drinks of Racer 5 (keg {keg.id})")
    qtbot.waitUntil(lambda: page.drinks.rowCount() == 166)
    drinkers = {page.drinkers.row_id(r): page.drinkers.row_values(r) for r in range(page.drinkers.rowCount())}
    assert drinkers["guest"][1] == 250
    assert page.sessions.rowCount() == 1 and page.sessions.row_values(0)[3] == 250


def in_thread(fn, *args, **kwargs):
    """Run as the Kegboard reader or an HTTP worker does: on a thread of its own."""
    thread = threading.Thread(target=fn, args=args, kwargs=kwargs)
    thread.start()
    thread.join(10)


def top_row_id(view):
    index = view.indexAt(view.viewport().rect().topLeft())
    return view.source.row_id(view.proxy.mapToSource(index).row())


def test_a_selected_keg_and_the_drinks_on_screen_hold_through_pours(qtbot, window):
    taps = [add_tap(f"Tap {n + 1}", f"kegboard.flow{n}") for n in range(3)]
    kegs = [start_keg(tap.id, name, size="corny")
            for tap, name in zip(taps, ("Racer 5 IPA", "Oatmeal Stout", "Pilsner"), strict=True)]
    with database.atomic():
        for n in range(300):
            record_drink(taps[0].id, ticks=0, volume_ml=20 + n % 7)
    page = window.kegs_page
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.kegs.rowCount() == 3 and page.drinks.rowCount() == 200,
                    timeout=30_000)  # the page is built and filled on first show
    page.keg_view.select_source_row(page.kegs.row_of(kegs[0].id))
    qtbot.waitUntil(lambda: page.drinks_title.text() == f"300 drinks of Racer 5 IPA (keg {kegs[0].id})")
    view = page.drink_view
    view.select_source_row(120)
    view.scrollTo(view.proxy.index(100, 0), view.ScrollHint.PositionAtTop)
    on_screen = top_row_id(view)
    chosen_drink = page.selected_drink()
    resets = []
    for model in page.models:
        model.modelReset.connect(lambda: resets.append(True))

    served = page.kegs.row_values(page.kegs.row_of(kegs[0].id))[5]
    poured = []
    in_thread(lambda: poured.append(record_drink(taps[0].id, ticks=0, volume_ml=450).drink))
    in_thread(record_drink, taps[1].id, ticks=0, volume_ml=300)  # another tap pours as well
    qtbot.waitUntil(lambda: page.drinks.row_id(0) == poured[0].id
                    and page.kegs.row_values(page.kegs.row_of(kegs[0].id))[5] > served)
    assert page.selected_keg() == kegs[0].id and page.end_keg_button.isEnabled()
    assert page.selected_drink() == chosen_drink and page.cancel_drink_button.isEnabled()
    assert top_row_id(view) == on_screen  # the drinks on screen did not move
    assert resets == []
    qtbot.waitUntil(lambda: page.drinks_title.text().startswith("301 drinks"))


def test_each_volume_column_has_one_unit_named_in_its_heading(qtbot, window):
    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Racer 5 IPA", size="corny")
    record_drink(tap.id, ticks=0, volume_ml=408)
    record_drink(tap.id, ticks=0, volume_ml=1000)
    page = window.kegs_page
    window.nav.setCurrentRow(1)  # a hidden page brings itself up to date when shown
    qtbot.waitUntil(lambda: page.kegs.rowCount() == 1 and page.drinks.rowCount() == 2
                    and page.drinkers.rowCount() == 1)

    def headings(model):
        return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]

    def cells(model, column):
        return [model.data(model.index(r, column)) for r in range(model.rowCount())]

    assert headings(page.kegs)[2:8:3] == ["Size (L)", "Served (L)"]
    assert cells(page.kegs, 2) == ["18.9"] and cells(page.kegs, 5) == ["1.4"]
    assert headings(page.drinks)[3] == "Volume (ml)" and cells(page.drinks, 3) == ["1000", "408"]
    assert headings(page.drinkers)[2] == "Total (L)" and cells(page.drinkers, 2) == ["1.4"]
    window.prefs.set_units("us")
    assert headings(page.kegs)[2:8:3] == ["Size (gal)", "Served (gal)"]
    assert cells(page.kegs, 2) == ["5.0"]
    assert headings(page.drinks)[3] == "Volume (fl oz)" and cells(page.drinks, 3) == ["33.8", "13.8"]
    assert headings(page.sessions)[2] == "Volume (pints)"


def test_an_empty_page_offers_the_first_steps(qtbot, window, monkeypatch):
    page = window.kegs_page
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.kegs.loaded)
    assert page.body.currentWidget() is page.empty
    buttons = {b.text(): b for b in page.empty.findChildren(QPushButton)}
    assert list(buttons) == ["Add a tap", "Start a keg"]
    qtbot.mouseClick(buttons["Start a keg"], Qt.MouseButton.LeftButton)
    assert page.dialog.error.text() == "There are no taps yet: add a tap first."
    page.dialog.reject()
    qtbot.mouseClick(buttons["Add a tap"], Qt.MouseButton.LeftButton)
    click_ok(qtbot, page.dialog)
    qtbot.waitUntil(lambda: Tap.select().count() == 1)
    qtbot.mouseClick(buttons["Start a keg"], Qt.MouseButton.LeftButton)
    page.dialog.beverage.setCurrentText("Racer 5 IPA")
    click_ok(qtbot, page.dialog)
    qtbot.waitUntil(lambda: page.body.currentWidget() is page.tables and page.kegs.rowCount() == 1)
    assert page.message.text() == "Keg started."


def test_a_drink_count_that_finishes_late_does_not_overwrite_a_newer_one(qtbot, window, monkeypatch):
    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Racer 5", size="sixth")
    record_drink(tap.id, ticks=0, volume_ml=300)
    page = window.kegs_page
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.drinks_title.text() == "1 drink of every keg")
    held = FirstCallHeldUp(count_drinks)  # counted, then its thread waits
    monkeypatch.setattr("kegdash.ui.kegs_page.bar_views.count_drinks", held)
    page._show_drinks_title()
    qtbot.waitUntil(lambda: held.answers == [1])
    record_drink(tap.id, ticks=0, volume_ml=300)
    page._show_drinks_title()
    qtbot.waitUntil(lambda: page.drinks_title.text() == "2 drinks of every keg")
    held.release.set()
    qtbot.waitUntil(lambda: not window.runner.pending())
    assert page.drinks_title.text() == "2 drinks of every keg"
