"""The tap list page and its poll endpoint through real HTTP (the browser side is in tests/web)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from kegdash import events
from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar.drinks import record_drink
from kegdash.bar.taps import add_auth_token, add_tap, start_keg
from kegdash.brewing.models import StoredRecipe
from kegdash.site_settings import set_setting

HTML = {"Accept": "text/html,application/xhtml+xml"}
XSS = "<script>alert('x')</script>"


@pytest.fixture
def bar(database):
    brewer = create_user("brewer", password="brewer-pw")
    for n in range(3):
        add_tap(f"Tap {n + 1}", f"kegboard.flow{n}")
    start_keg(1, XSS, style="<b>IPA</b>", abv=6.5, size="corny")
    start_keg(2, "Pale Ale", style="American Pale Ale", abv=5.2, size="corny")
    StoredRecipe.create(owner=brewer, slug="pale-ale", name="pale ale", ibu=38.4, color=7.5)
    StoredRecipe.create(owner=brewer, slug="secret", name=XSS, ibu=99, color=40, private=True)
    return brewer


def state(http) -> list[dict]:
    status, headers, body = http.request("GET", "/taps/state")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    return json.loads(body)["taps"]


def test_browsers_get_the_tap_list_and_api_clients_the_index(http, bar):
    status, headers, body = http.request("GET", "/", headers=HTML)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<span class="w">Pale</span> <span class="w">Ale</span>' in body.decode()
    assert headers["Vary"] == "Accept"
    status, index = http.json("GET", "/")
    assert status == 200 and "/api/" in index["apis"] and "/taps" in index["pages"]
    assert http.request("GET", "/taps", headers=HTML)[2] == http.request("GET", "/", headers=HTML)[2]


def test_names_are_escaped_text(http, bar):
    page = http.request("GET", "/taps", headers=HTML)[2].decode()
    assert "<script>alert" not in page and "<b>IPA" not in page
    assert "&lt;script&gt;alert(&#039;x&#039;)&lt;/script&gt;" in page
    assert "&lt;b&gt;IPA&lt;/b&gt;" in page
    assert page.count("<script") == 1  # the page's own script file, nothing else


def test_every_tap_in_order_with_level_and_figures(http, bar):
    taps = state(http)
    assert [t["name"] for t in taps] == ["Tap 1", "Tap 2", "Tap 3"]
    pale = taps[1]
    assert pale["abv"] == "5.2 %" and pale["ibu"] == "38" and pale["colorName"] == "gold"
    assert pale["color"].startswith("rgb(") and pale["fraction"] == 1.0
    assert pale["percent"] == "100 %" and pale["level"] == "18.9 L left" and pale["pour"] == "Fresh keg"
    assert pale["glasses"] == "≈ 38 × 0.5 L" and pale["state"] == "ok" and pale["badge"] == ""
    assert taps[2]["state"] == "empty" and taps[2]["badge"] == "NO KEG"
    assert taps[2]["beverage"] == "No keg on tap" and taps[2]["level"] == ""


def test_private_recipes_never_colour_a_beverage(http, bar):
    first = state(http)[0]
    assert first["ibu"] == "" and first["color"] == "" and first["colorName"] == ""


def test_a_pour_through_the_api_shows_without_the_drinker(http, bar):
    key = issue_api_key(create_user("staff", is_staff=True))
    drinker = create_user("secret-drinker")
    add_auth_token("core.rfid", "aabbcc", drinker)
    form = urllib.parse.urlencode({"ticks": 100, "volume_ml": 350,
                                   "auth_token": "core.rfid|aabbcc"}).encode()
    status, _, _ = http.request("POST", "/api/taps/kegboard.flow1", form, {
        "X-Kegbot-Api-Key": key, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    pale = state(http)[1]
    assert pale["pour"] == "Last pour 350 ml, just now" and pale["fraction"] < 1.0
    page = http.request("GET", "/taps", headers=HTML)[2].decode()
    assert "secret-drinker" not in page and "secret-drinker" not in json.dumps(state(http))


def test_an_over_poured_keg_shows_empty_never_below(http, bar):
    record_drink(2, ticks=0, volume_ml=18927.06 + 500)
    pale = state(http)[1]
    assert pale["fraction"] == 0 and pale["level"] == "Empty" and pale["percent"] == ""
    assert pale["state"] == "kicked" and pale["badge"] == "KICKED"


def test_pour_progress_is_live_until_the_drink_is_recorded(http, bar):
    events.bus.publish(events.PourProgress(tap_id=2, meter="kegboard.flow1", ticks=300,
                                           volume_ml=123.4))
    pale = state(http)[1]
    assert pale["pouring"] and pale["pour"] == "Pouring… 123 ml"
    record_drink(2, ticks=400)
    pale = state(http)[1]
    assert not pale["pouring"] and pale["pour"].startswith("Last pour 147 ml")


def test_stale_pour_progress_is_dropped(http, bar, monkeypatch):
    events.bus.publish(events.PourProgress(tap_id=1, meter="kegboard.flow0", ticks=3, volume_ml=1))
    assert state(http)[0]["pouring"]
    later = events.time.monotonic() + events.POUR_STALE_S + 1
    monkeypatch.setattr(events.time, "monotonic", lambda: later)
    assert not state(http)[0]["pouring"]


def test_static_files_are_served_and_nothing_else(http, bar):
    status, headers, body = http.request("GET", "/static/web/kegdash.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and b".tap" in body
    assert http.request("GET", "/static/web/taplist.js")[0] == 200
    for path in ("/static/web/../templates/base.tpl", "/static/web/%2e%2e/templates/base.tpl",
                 "/static/web/nope.css"):
        assert http.request("GET", path)[0] in (403, 404)


def test_no_taps_says_so(http, database):
    page = http.request("GET", "/taps", headers=HTML)[2].decode()
    assert "No taps yet" in page
    assert state(http) == []


def test_volumes_and_temperatures_follow_the_site_display_units(http, bar):
    from kegdash.bar.taps import add_thermo_sensor
    from kegdash.bar.thermo import record_temperature

    add_thermo_sensor("kegboard.thermo-1", "Tap 2")
    record_temperature("kegboard.thermo-1", 3.5)
    record_drink(2, ticks=0, volume_ml=473.2)
    pale = state(http)[1]
    assert (pale["level"], pale["temp"]) == ("18.5 L left", "3.5 °C")
    assert pale["pour"].startswith("Last pour 473 ml")
    set_setting("display_units", "us")
    pale = state(http)[1]
    assert (pale["level"], pale["glasses"], pale["temp"]) == ("4.9 gal left", "≈ 39 pints", "38.3 °F")
    assert pale["pour"].startswith("Last pour 16.0 fl oz")


def test_low_and_kicked_kegs_say_so(http, bar):
    record_drink(2, ticks=0, volume_ml=18927.06 * 0.95)
    pale = state(http)[1]
    assert (pale["state"], pale["badge"], pale["percent"]) == ("low", "LOW", "5 %")
    set_setting("low_keg_fraction", 0.04)
    assert state(http)[1]["state"] == "ok"


def test_a_kicked_keg_never_shows_a_pour_in_progress(http, bar):
    record_drink(2, ticks=0, volume_ml=18927.06 + 1)
    events.bus.publish(events.PourProgress(tap_id=2, meter="kegboard.flow1", ticks=300,
                                           volume_ml=105))
    pale = state(http)[1]
    assert pale["state"] == "kicked" and not pale["pouring"]
    assert pale["pour"].startswith("Last pour 18.9 L") and "Pouring" not in pale["pour"]
    events.bus.publish(events.KegChanged(keg_id=2, tap_id=2))


def test_the_level_counts_the_beer_in_the_glass_while_it_pours(http, bar):
    events.bus.publish(events.PourProgress(tap_id=2, meter="kegboard.flow1", ticks=2700,
                                           volume_ml=991.2))
    pale = state(http)[1]
    assert pale["pouring"] and pale["pour"] == "Pouring… 991 ml"
    assert pale["level"] == "17.9 L left" and pale["fraction"] == pytest.approx(0.9476, abs=1e-4)
    events.bus.publish(events.KegChanged(keg_id=2, tap_id=2))
