"""The web pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

A fake third-party client is a tiny static site on a second local HTTP server that follows
only seed 002: a link to ``/account/authorize…`` and a callback page that reads
``#access_token:<token>`` from the fragment and calls ``/v1/recipes`` with it (CORS).
Set ``KD_WEB_SCREENSHOTS=/some/dir`` to keep screenshots of the consent page and tap list.
"""

from __future__ import annotations

import http.server
import os
import re
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"{CHROMIUM} not found: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright not installed: pip install 'playwright>=1.45,<2'")

from kegdash import events  # noqa: E402
from kegdash.accounts.keys import create_client, issue_api_key  # noqa: E402
from kegdash.accounts.models import Authorization  # noqa: E402
from kegdash.accounts.users import create_user  # noqa: E402
from kegdash.bar.drinks import record_drink  # noqa: E402
from kegdash.bar.taps import add_tap, start_keg  # noqa: E402
from kegdash.brewing.recipes import create_recipe  # noqa: E402
from kegdash.site_settings import set_setting  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
XSS_BEVERAGE = '<img src=x onerror="window.__xss=1">'
XSS_CLIENT = "<script>window.__xss=2</script>Sneaky"

STOUT = {"name": "Browser Stout",
         "fermentables": [{"name": "Pale malt", "weight": 4.0, "yield": 75, "color": 3},
                          {"name": "Roasted barley", "weight": 0.45, "yield": 55, "color": 500}],
         "spices": [{"name": "Fuggle", "weight": 0.05, "aa": 4.5, "time": 60, "use": "boil",
                     "form": "pellet"}]}

CALLBACK_PAGE = """<!doctype html><meta charset="utf-8"><title>Brew Log callback</title>
<p id="token"></p><p id="error"></p><ul id="recipes"></ul>
<script>
  var hash = location.hash;
  if (hash.indexOf("#access_token:") === 0) {
    var token = hash.slice("#access_token:".length).split("&")[0];
    document.getElementById("token").textContent = token;
    fetch("KEGDASH/v1/recipes", {headers: {"Authorization": "Bearer " + token}})
      .then(function (r) { return r.json(); })
      .then(function (list) {
        list.forEach(function (recipe) {
          var li = document.createElement("li"); li.textContent = recipe.data.name;
          document.getElementById("recipes").appendChild(li);
        });
      });
  } else {
    document.getElementById("error").textContent = hash.slice(1);
  }
</script>"""


class ClientSite:
    """The third party's static site: ``/`` links to kegdash, ``/auth/callback`` takes the token."""

    def __init__(self, kegdash_url: str) -> None:
        pages: dict[str, str] = {}
        self.pages = pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = pages.get(urllib.parse.urlsplit(self.path).path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.callback = self.url + "/auth/callback"
        pages["/auth/callback"] = CALLBACK_PAGE.replace("KEGDASH", kegdash_url)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def link_to(self, authorize_url: str) -> None:
        self.pages["/"] = (f'<!doctype html><meta charset="utf-8"><title>Brew Log</title>'
                           f'<a id="connect" href="{authorize_url}">Connect with kegdash</a>')

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def chromium():
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    yield page
    context.close()


@pytest.fixture
def site(api_server):
    alice = create_user("alice", password="alice-pw-1")
    create_recipe(alice, STOUT)
    client_site = ClientSite(api_server.url)
    client, _ = create_client("Brew Log", redirect_uri=client_site.callback,
                              description="Keeps your brew day notes")
    site = type("Site", (), {})()
    site.url, site.client, site.app = api_server.url, client, client_site
    yield site
    client_site.close()


def authorize_url(site, redirect_uri: str | None = None) -> str:
    return site.url + "/account/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "redirect_uri": redirect_uri or site.app.callback,
        "scope": "user,recipe", "client_id": site.client.public_id, "type": "token"})


def shoot(page, name: str) -> None:
    """Keep a screenshot at desktop and phone widths when KD_WEB_SCREENSHOTS names a folder."""
    folder = os.environ.get("KD_WEB_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in_from_the_client(page, site, redirect_uri: str | None = None) -> None:
    site.app.link_to(authorize_url(site, redirect_uri))
    page.goto(site.app.url + "/")
    page.click("#connect")
    page.wait_for_url(re.compile(r"/account/login\?next="))
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "alice-pw-1")
    page.click("button[type=submit].primary")


def test_a_client_page_gets_a_token_by_consent_and_uses_it(page, site):
    log_in_from_the_client(page, site)
    page.wait_for_url(re.compile(r"/account/authorize\?"))
    sync_api.expect(page.locator("h1")).to_contain_text("Brew Log wants to use your kegdash account")
    sync_api.expect(page.locator("li.scope")).to_have_count(2)
    sync_api.expect(page.locator("li.scope").first).to_contain_text("Change your public profile")
    shoot(page, "consent")
    page.click("button[value=approve]")
    page.wait_for_url(re.compile(r"/auth/callback#access_token:[0-9a-f]{40}$"))
    token = page.url.rsplit(":", 1)[1]
    sync_api.expect(page.locator("#token")).to_have_text(token)
    sync_api.expect(page.locator("#recipes li")).to_have_text(["Browser Stout"])
    assert Authorization.get(Authorization.token == token).scopes == ["user", "recipe"]


def test_denial_sends_the_user_back_with_an_error(page, site):
    log_in_from_the_client(page, site)
    page.wait_for_url(re.compile(r"/account/authorize\?"))
    page.click("button[value=deny]")
    page.wait_for_url(site.app.callback + "#error:access_denied")
    sync_api.expect(page.locator("#error")).to_have_text("error:access_denied")
    assert Authorization.select().count() == 0


def test_a_mismatched_redirect_uri_is_refused_on_the_page(page, site):
    site.app.link_to(authorize_url(site, site.app.url + "/steal"))
    page.goto(site.app.url + "/")
    page.click("#connect")
    page.wait_for_url(re.compile(r"/account/authorize\?"))
    sync_api.expect(page.locator(".error")).to_contain_text("Redirect not allowed")
    assert page.url.startswith(site.url) and page.locator("form[action='/account/authorize']").count() == 0
    assert Authorization.select().count() == 0


def test_approval_without_its_csrf_token_is_refused(page, site):
    log_in_from_the_client(page, site)
    page.wait_for_url(re.compile(r"/account/authorize\?"))
    page.locator("form[action='/account/authorize'] input[name=csrf]").evaluate("el => el.remove()")
    page.click("button[value=approve]")
    sync_api.expect(page.locator(".error")).to_contain_text("did not come from this site")
    assert page.url.startswith(site.url) and Authorization.select().count() == 0


def test_the_tap_list_shows_a_pour_within_a_second(page, site):
    add_tap("Tap 1", "kegboard.flow0")
    add_tap("Tap 2", "kegboard.flow1")
    add_tap("Tap 3", "kegboard.flow2")
    start_keg(1, "Hazy Daze", style="New England IPA", abv=6.8, size="corny")
    start_keg(2, "Browser Stout", style="Dry Stout", abv=4.2, size="sixth")
    key = issue_api_key(create_user("barkeep", is_staff=True))
    page.goto(site.url + "/taps")
    card = page.locator("article.tap[data-tap-id='1']")
    sync_api.expect(card.locator(".pour")).to_have_text("Fresh keg")
    form = urllib.parse.urlencode({"ticks": 1000, "volume_ml": 350}).encode()
    request = urllib.request.Request(site.url + "/api/taps/kegboard.flow0", data=form, headers={
        "X-Kegbot-Api-Key": key, "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    poured = time.monotonic()
    sync_api.expect(card.locator(".pour")).to_have_text("Last pour 350 ml, just now", timeout=1000)
    assert time.monotonic() - poured < 1.0
    sync_api.expect(card.locator(".percent")).to_have_text("98 %")
    sync_api.expect(card.locator(".left")).to_have_text("18.6 L left")
    stout = page.locator("article.tap[data-tap-id='2']")
    sync_api.expect(stout.locator("[data-field=colorName]")).to_have_text("dark brown")  # its public recipe
    events.bus.publish(events.PourProgress(tap_id=2, meter="kegboard.flow1", ticks=500,
                                           volume_ml=183.6))
    sync_api.expect(stout.locator(".pour")).to_have_text("Pouring… 184 ml", timeout=1000)
    sync_api.expect(stout).to_have_class(re.compile(r"\bpouring\b"))
    shoot(page, "taps")
    events.bus.publish(events.KegChanged(keg_id=2, tap_id=2))  # no progress left for later tests


def test_names_stay_inert_text(page, site):
    add_tap("Tap 1", "kegboard.flow0")
    start_keg(1, XSS_BEVERAGE, style="<b>bold</b>", size="corny")
    page.goto(site.url + "/taps")
    sync_api.expect(page.locator("article.tap[data-tap-id='1'] .beverage")).to_have_text(XSS_BEVERAGE)
    add_tap("Tap 2", "kegboard.flow1")
    start_keg(2, XSS_CLIENT, size="corny")  # arrives through the poll, painted by the script
    sync_api.expect(page.locator("article.tap[data-tap-id='2'] .beverage")).to_have_text(XSS_CLIENT)
    assert page.locator("article.tap img, article.tap script, article.tap b").count() == 0
    site.client.name = XSS_CLIENT
    site.client.save()
    log_in_from_the_client(page, site)
    page.wait_for_url(re.compile(r"/account/authorize\?"))
    sync_api.expect(page.locator(".client-name").first).to_have_text(XSS_CLIENT)
    assert page.evaluate("window.__xss") is None


# --- the TV tap list at a TV's, a laptop's and a phone's size ---------------------------------

TV = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 720}
SIZES = {"tv": TV, "laptop": LAPTOP, "phone": PHONE}
GIANT_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsbier"
NAMES = ["Hefeweizen", "Oatmeal Stout", "Racer 5 IPA", GIANT_WORD,
         "Russian Imperial Stout (Bourbon Barrel-Aged 2026-12-02)", "Pliny the Elder"]

BROKEN_WORDS = """els => els.filter(el => !el.hidden && el.offsetParent).map(el => {
  // every run of non-space characters, in each text node: one client rect if it sits on one line
  const broken = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  const style = getComputedStyle(el);
  return {text: el.textContent.trim(), broken, cut: el.classList.contains("cut"),
          overflows: el.scrollWidth > el.clientWidth + 1 && !el.classList.contains("cut"),
          lines: Math.round(el.getBoundingClientRect().height / parseFloat(style.lineHeight)),
          most: Number(el.dataset.fit)};
})"""


@pytest.fixture
def long_names(site):
    for number, name in enumerate(NAMES):
        add_tap(f"Tap {number + 1}", f"kegboard.flow{number}")
        start_keg(number + 1, name, style="Barrel-Aged Imperial Stout", abv=11.2, size="corny")
    add_tap("Tap 7", "kegboard.flow6")  # no keg
    return site


def open_board(chromium, site, size):
    context = chromium.new_context(viewport=size)
    page = context.new_page()
    page.goto(site.url + "/taps")
    page.wait_for_selector("#taps[data-ready]")
    return context, page


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_tap_names_never_break_inside_a_word(chromium, long_names, size):
    context, page = open_board(chromium, long_names, size)
    try:
        for _ in range(2):  # as the server rendered it, then as the poll repainted it
            names = page.locator("[data-fit]").evaluate_all(BROKEN_WORDS)
            assert len(names) == 3 * 6 + 2  # tap name, beverage, style; the empty tap's two
            for name in names:
                assert name["broken"] == [], name
                assert not name["overflows"] and name["lines"] <= name["most"], name
                assert not name["cut"] or name["text"] == GIANT_WORD, name
            page.wait_for_timeout(800)
    finally:
        context.close()


@pytest.mark.parametrize("size", [TV, LAPTOP], ids=["tv", "laptop"])
def test_cards_fill_a_landscape_screen_without_scrolling(chromium, long_names, size):
    context, page = open_board(chromium, long_names, size)
    try:
        box = page.locator("#taps").bounding_box()
        assert box["height"] > 0.85 * size["height"], "cards use the screen, not its top third"
        assert page.evaluate("document.scrollingElement.scrollHeight") <= size["height"]
        for card in page.locator("article.tap").all():
            inside = card.evaluate("el => Array.from(el.children).filter(c => !c.hidden && "
                                   "c.offsetParent).every(c => c.getBoundingClientRect().bottom "
                                   "<= el.getBoundingClientRect().bottom + 1)")
            assert inside, card.inner_text()
    finally:
        context.close()


def test_a_phone_scrolls_down_the_cards_never_sideways(chromium, long_names):
    context, page = open_board(chromium, long_names, PHONE)
    try:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        lefts = {round(card.bounding_box()["x"]) for card in page.locator("article.tap").all()}
        assert len(lefts) == 1, "one card a row"
    finally:
        context.close()


def test_states_are_as_prominent_as_in_the_window(chromium, site):
    for number in range(3):
        add_tap(f"Tap {number + 1}", f"kegboard.flow{number}")
    start_keg(1, "Low Lager", size="corny")
    start_keg(2, "Gone Gose", size="corny")
    record_drink(1, ticks=0, volume_ml=18927.06 * 0.95)
    record_drink(2, ticks=0, volume_ml=18927.06 + 1)
    context, page = open_board(chromium, site, TV)
    try:
        badges = page.locator(".badge:visible")
        sync_api.expect(badges).to_have_text(["LOW", "KICKED", "NO KEG"])
        for badge in badges.all():
            assert badge.bounding_box()["height"] >= 30  # readable from across the room
        sync_api.expect(page.locator(".state-kicked .left")).to_have_text("Empty")
        sync_api.expect(page.locator(".state-low .percent")).to_have_text("5 %")
        events.bus.publish(events.PourProgress(tap_id=2, meter="kegboard.flow1", ticks=300,
                                               volume_ml=105))
        page.wait_for_timeout(1200)  # two polls
        sync_api.expect(page.locator(".state-kicked .pour")).not_to_contain_text("Pouring")
        assert page.locator("article.pouring").count() == 0
    finally:
        events.bus.publish(events.KegChanged(keg_id=2, tap_id=2))
        context.close()


def test_units_follow_the_site_setting(chromium, site):
    add_tap("Tap 1", "kegboard.flow0")
    start_keg(1, "Hazy Daze", size="corny")
    record_drink(1, ticks=0, volume_ml=473.2)
    context, page = open_board(chromium, site, LAPTOP)
    try:
        card = page.locator("article.tap")
        sync_api.expect(card.locator(".left")).to_have_text("18.5 L left")
        sync_api.expect(card.locator(".glasses")).to_have_text("≈ 37 × 0.5 L")
        sync_api.expect(card.locator(".pour")).to_contain_text("Last pour 473 ml")
        set_setting("display_units", "us")  # e.g. kegdash admin setting display_units us
        sync_api.expect(card.locator(".left")).to_have_text("4.9 gal left", timeout=3000)
        sync_api.expect(card.locator(".glasses")).to_have_text("≈ 39 pints")
        sync_api.expect(card.locator(".pour")).to_contain_text("Last pour 16.0 fl oz")
        page.reload()
        sync_api.expect(card.locator(".left")).to_have_text("4.9 gal left")  # as first rendered
    finally:
        context.close()


def test_screenshots_of_the_tv_page(chromium, site, tmp_path):
    """The tap list at TV, laptop and phone sizes; kept where KD_WEB_SCREENSHOTS says."""
    for number, name in enumerate(["Racer 5 IPA", "Hefeweizen", "Browser Stout"]):
        add_tap(f"Tap {number + 1}", f"kegboard.flow{number}")
        start_keg(number + 1, name, style="Dry Stout" if number == 2 else "", abv=5.5, size="corny")
    add_tap("Tap 4", "kegboard.flow3")
    record_drink(2, ticks=0, volume_ml=18927.06 * 0.93)
    folder = Path(os.environ.get("KD_WEB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES.items():
        context, page = open_board(chromium, site, size)
        try:
            page.screenshot(path=str(folder / f"taps-{label}.png"), full_page=True)
            assert (folder / f"taps-{label}.png").stat().st_size > 10_000
        finally:
            context.close()


@pytest.mark.parametrize("path", ["/docs", "/no/such/page"])
def test_docs_and_not_found_fit_a_phone(chromium, api_server, path):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(api_server.url + path)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        if path != "/docs":
            sync_api.expect(page.locator("h1")).to_have_text("Page not found")
            assert page.locator("header.topbar").is_visible()  # the site's layout and stylesheet
    finally:
        context.close()
