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
from kegdash.bar.taps import add_tap, start_keg  # noqa: E402
from kegdash.brewing.recipes import create_recipe  # noqa: E402

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
    sync_api.expect(card.locator(".level-text")).to_have_text("98 % · 18.6 L left")
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
