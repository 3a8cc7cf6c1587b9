import threading
import urllib.parse

import pytest

from kegdash import events
from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Keg
from kegdash.bar.taps import add_tap, end_keg, start_keg
from kegdash.site_settings import set_setting


def in_thread(fn, *args, **kwargs):
    """Run like a serial reader or HTTP worker would: on a thread of its own."""
    thread = threading.Thread(target=fn, args=args, kwargs=kwargs)
    thread.start()
    thread.join(10)


def test_keg_started_elsewhere_shows_on_its_card(qtbot, window):
    tap = add_tap("Tap 1", "kegboard.flow0")
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards)
    start_keg(tap.id, "Racer 5", abv=7.2, style="American IPA", size="corny")
    card = window.taps_page.cards[tap.id]
    qtbot.waitUntil(lambda: "Racer 5" in card.beverage.text())
    assert card.style_label.text() == "American IPA · 7.2 % ABV"
    assert card.gauge.value() == 100 and card.state == "ok"


def test_simulated_pour_animates_its_card_and_lands_in_recent_drinks(qtbot, window):
    first = add_tap("Tap 1", "kegboard.flow0")
    second = add_tap("Tap 2", "kegboard.flow1")
    start_keg(first.id, "Racer 5", size="corny")
    start_keg(second.id, "Hefeweizen", size="corny")
    page = window.taps_page
    qtbot.waitUntil(lambda: second.id in page.cards and page.cards[second.id].view.keg_id is not None
                    and first.id in page.cards)
    card, other = page.cards[second.id], page.cards[first.id]

    def pour():
        for volume in (40.0, 120.0, 250.0, 360.0):
            events.bus.publish(events.PourProgress(tap_id=second.id, meter="kegboard.flow1",
                                                   ticks=int(volume / 0.367107), volume_ml=volume))

    in_thread(pour)
    qtbot.waitUntil(lambda: card.pouring_ml == 360.0)
    assert "360 ml" in card.pour.text() and card.property("pouring") is True
    assert card.gauge.value() == round((18927.06 - 360) / 18927.06 * 100)
    assert not other.pouring

    in_thread(record_drink, second.id, ticks=981, volume_ml=360.0)
    qtbot.waitUntil(lambda: not card.pouring)
    qtbot.waitUntil(lambda: page.recent.count() == 1)
    assert "Tap 2 · Hefeweizen" in page.recent.item(0).text() and "360 ml" in page.recent.item(0).text()
    assert "Last pour 360 ml" in card.last_pour.text()
    keg = Keg.get_by_id(card.view.keg_id)
    assert card.gauge.value() == round(keg.percent_full * 100)


def test_drink_through_the_http_api_appears_on_the_right_card(qtbot, window, http):
    boss = create_user("boss", is_staff=True)
    key = issue_api_key(boss)
    add_tap("Tap 1", "kegboard.flow0")
    tap = add_tap("Tap 2", "kegboard.flow1")
    start_keg(tap.id, "Pilsner", size="sixth")
    body = urllib.parse.urlencode({"ticks": 1000}).encode()
    status, answer = http.json("POST", f"/api/taps/{tap.id}", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Kegbot-Api-Key": key})
    assert status == 200, answer
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards)
    card = window.taps_page.cards[tap.id]
    qtbot.waitUntil(lambda: card.view.last_pour_ml is not None)
    keg = Keg.get_by_id(card.view.keg_id)
    assert card.view.remaining_ml == pytest.approx(keg.remaining_ml)
    assert card.gauge.value() == round(keg.percent_full * 100)
    assert f"{keg.remaining_ml / 1000:.1f} L" in card.gauge.text()
    qtbot.waitUntil(lambda: window.taps_page.recent.count() == 1)
    assert "Pilsner" in window.taps_page.recent.item(0).text()


def test_low_kicked_and_empty_kegs_look_different(qtbot, window):
    low, kicked, full = (add_tap(f"Tap {n}", f"kegboard.flow{n}") for n in range(3))
    empty = add_tap("Tap 9", "kegboard.flow9")
    for tap in (low, kicked, full):
        start_keg(tap.id, f"Beer {tap.id}", size="10L")
    record_drink(low.id, ticks=0, volume_ml=9300)
    record_drink(kicked.id, ticks=0, volume_ml=10100)
    cards = window.taps_page.cards
    qtbot.waitUntil(lambda: len(cards) == 4 and [cards[t.id].state for t in (low, kicked, full, empty)]
                    == ["low", "kicked", "ok", "empty"])
    assert cards[low.id].state == "low" and cards[low.id].badge.text() == "LOW"
    assert cards[kicked.id].badge.text() == "KICKED" and cards[kicked.id].left.text() == "Empty"
    assert cards[kicked.id].view.remaining_ml == 0 and cards[kicked.id].view.fraction == 0  # over-poured
    assert cards[full.id].state == "ok" and cards[full.id].badge.isHidden()
    assert cards[empty.id].state == "empty" and cards[empty.id].beverage.text() == "No keg on tap"
    assert cards[low.id].property("state") == "low"

    set_setting("low_keg_fraction", 0.05)  # the Settings page's change shows at once
    qtbot.waitUntil(lambda: cards[low.id].state == "ok")
    end_keg(kicked.id)
    qtbot.waitUntil(lambda: cards[kicked.id].state == "empty")


def test_us_units_show_pints_and_fahrenheit(qtbot, window):
    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Stout", size="corny")
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards
                    and window.taps_page.cards[tap.id].view.keg_id is not None)
    window.prefs.set_units("us")
    card = window.taps_page.cards[tap.id]
    qtbot.waitUntil(lambda: "5.0 gal" in card.gauge.text())
    assert card.left.text() == "≈ 40 pints left"


def test_an_empty_taps_page_offers_a_tap_and_a_keg(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    page = window.taps_page
    qtbot.waitUntil(lambda: page.loaded)
    assert page.body.currentWidget() is page.empty
    buttons = {b.text(): b for b in page.empty.findChildren(QPushButton)}
    assert list(buttons) == ["Add a tap", "Start a keg"]
    qtbot.mouseClick(buttons["Add a tap"], Qt.MouseButton.LeftButton)
    page.dialog.name.setText("Front tap")
    qtbot.mouseClick(page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.cards) == 1 and page.body.currentWidget() is page.board)
    assert page.message.text() == "Tap added."
    card = next(iter(page.cards.values()))
    assert card.state == "empty" and not card.start_button.isHidden()
    qtbot.mouseClick(card.start_button, Qt.MouseButton.LeftButton)
    page.dialog.beverage.setCurrentText("Racer 5 IPA")
    qtbot.mouseClick(page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.state == "ok" and card.start_button.isHidden())
    assert page.message.text() == "Keg started."


def test_recent_drinks_carry_a_date_unless_poured_today(qtbot, window):
    import datetime as dt

    from kegdash.bar.models import Drink

    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Racer 5 IPA", size="corny")
    old = record_drink(tap.id, ticks=0, volume_ml=300).drink
    Drink.update(pour_time=dt.datetime(2026, 3, 1, 12, 0)).where(Drink.id == old.id).execute()
    record_drink(tap.id, ticks=0, volume_ml=400)
    page = window.taps_page
    qtbot.waitUntil(lambda: page.recent.count() == 2)
    today, earlier = (page.recent.item(n).text().split("  ")[0] for n in range(2))
    assert len(today) == 5 and earlier.endswith(":00") and " Mar " in earlier
