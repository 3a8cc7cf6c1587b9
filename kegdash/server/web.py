"""The web pages: login, Tapline's browser authorization (seed 002) and the bar's tap list.

Pages are Bottle ``SimpleTemplate`` files in ``resources/web/templates`` (``{{…}}`` escapes
everything; the only raw insertions are the layout's ``{{!base}}``, itself a rendered template,
and the tap cards' :func:`words`, which escapes each word itself).
Every form carries a CSRF token bound to the session (``web_session``; logged-in sessions are
rows in the database, so logging out ends them); logins go through the one password throttle
(``accounts.throttle``), shared with Tapline's HTTP Basic.

Redirects to the site itself are relative (``Location: /taps``): Bottle's ``redirect()`` would
build an absolute URL from the request's ``Host`` and ``X-Forwarded-Host`` headers, so anybody
could have the login send a browser to their host.

The authorize flow only ever redirects to the client's *registered* redirect URI: a different
one is refused on the page, so the flow cannot be used as an open redirect. ``type=token`` puts
the token in the fragment exactly as the seed shows, ``#access_token:<token>``;
``type=web_server`` puts a one-time code in the query (``?code=…&state=…``), which the client's
back end exchanges at ``POST /account/access_token`` (``web_token``, ``accounts.code_grants``),
so the token never travels in a URL.

The tap list is polled (``/taps/state``, twice a second while visible) rather than streamed:
a Server-Sent Events connection would hold one of cheroot's few worker threads for its whole
life and keep ``ApiServer.stop()`` waiting; a poll costs a few indexed queries and never
blocks. Pour progress comes from the in-process event bus, so it is live wherever the
serial readers run in the same process as the server (``kegdash serve``, ``kegdash run``).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass
from typing import Any, NoReturn

import bottle

from kegdash import __version__, events, fmt
from kegdash.accounts import views as accounts
from kegdash.accounts.authorizations import SCOPES, grant
from kegdash.accounts.code_grants import checked_challenge, issue_code
from kegdash.accounts.throttle import TooManyAttempts
from kegdash.accounts.views import ClientView, Principal
from kegdash.db import utcnow
from kegdash.resources import resource_path
from kegdash.server import web_session, web_token
from kegdash.site_settings import get_setting, get_settings
from kegdash.tap_board import BoardTap, board, tap_state

SCOPE_WORDS = {
    "user": "Change your public profile (name, picture, location, who you follow) and post "
            "activity in your name",
    "user:delete": "Delete your account",
    "user:email": "See your e-mail address",
    "recipe": "Create and change your public recipes and brews",
    "recipe:delete": "Delete your recipes and brews",
    "private": "See, change and delete your private recipes and activity",
}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
MAX_FIELD = 2000
_UNSAFE_SCHEMES = {"javascript", "data", "vbscript", "file", "blob"}


# --- rendering ------------------------------------------------------------------------------

def _templates() -> str:
    return str(resource_path("web", "templates"))


def _page(name: str, *, status: int = 200, title: str, session: web_session.Session | None = None,
          **values: Any) -> str:
    """Render a page with the headers every page gets (CSP, no framing, no referrer, no cache)."""
    session = session or web_session.ensure()
    user = session.user
    response = bottle.response
    response.status = status
    response.content_type = "text/html; charset=utf-8"
    response.set_header("Content-Security-Policy", CSP)
    response.set_header("X-Frame-Options", "DENY")
    response.set_header("X-Content-Type-Options", "nosniff")
    response.set_header("Referrer-Policy", "no-referrer")
    response.set_header("Cache-Control", "no-store")
    return bottle.template(name, template_lookup=[_templates()], title=title,
                           user=user.username if user else None,
                           csrf=web_session.csrf_token(session), words=words, **values)


def _problem(status: int, message: str, heading: str = "Cannot continue") -> str:
    """An error shown on the page, never a redirect."""
    return _page("problem.tpl", status=status, title=heading, heading=heading, message=message)


def _form(name: str) -> str:
    value = bottle.request.forms.getunicode(name, default="") or ""
    return value[:MAX_FIELD]


def _client_address() -> str:
    """The socket peer (``X-Forwarded-For`` is ignored: anyone can send it)."""
    return bottle.request.environ.get("REMOTE_ADDR", "")


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default``: login never sends anyone away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    parts = urllib.parse.urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def _login_url(next_path: str) -> str:
    return "/account/login?" + urllib.parse.urlencode({"next": next_path})


def _redirect(location: str) -> NoReturn:
    """303 to ``location`` as given: a path on this site stays relative, never rebuilt from the
    request's (forgeable) host headers; the response's cookies go along."""
    response = bottle.response.copy(cls=bottle.HTTPResponse)
    response.status = 303
    response.body = ""
    response.set_header("Location", location)
    raise response


# --- the authorization request --------------------------------------------------------------

@dataclass(frozen=True)
class GrantRequest:
    client: ClientView
    redirect_uri: str
    scopes: list[str]
    state: str
    kind: str
    """``token`` (the token in the fragment) or ``web_server`` (a one-time code in the query)."""
    challenge: str = ""
    """The PKCE S256 challenge of a ``web_server`` request, if the client sent one."""

    def query(self) -> str:
        """The authorize URL's query for this request (to come back to after login)."""
        fields = {"response_type": "code", "redirect_uri": self.redirect_uri,
                  "scope": ",".join(self.scopes), "client_id": self.client.public_id,
                  "type": self.kind}
        if self.challenge:
            fields.update(code_challenge=self.challenge, code_challenge_method="S256")
        if self.state:
            fields["state"] = self.state
        return urllib.parse.urlencode(fields)

    def _fragment(self, fragment: str) -> str:
        """The registered redirect URI with ``fragment`` (and the client's state, if it sent one)."""
        if self.state:
            fragment += "&state=" + urllib.parse.quote(self.state, safe="")
        return f"{self.redirect_uri}#{fragment}"

    def _query(self, fields: dict[str, str]) -> str:
        """The registered redirect URI with ``fields`` (and the state) added to its query."""
        if self.state:
            fields = {**fields, "state": self.state}
        uri = self.redirect_uri
        joint = "" if uri.endswith(("?", "&")) else "&" if "?" in uri else "?"
        return uri + joint + urllib.parse.urlencode(fields)

    def granted(self, user: Principal) -> str:
        """Where to send ``user`` once they allowed it: the client's redirect URI with their token
        for exactly these scopes (an earlier authorization of the client is reused, as Tapline's
        grant exchange did, so signing in again does not pile up tokens), or with a one-time
        code for it."""
        if self.kind == "web_server":
            return self._query({"code": issue_code(user, self.client, self.scopes,
                                                   self.redirect_uri, self.challenge)})
        return self._fragment("access_token:" + grant(user, self.client, self.scopes).token)

    def denied(self) -> str:
        """Where to send the browser when the user said no."""
        if self.kind == "web_server":
            return self._query({"error": "access_denied"})
        return self._fragment("error:access_denied")


class GrantRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _registered_uri_usable(uri: str) -> bool:
    if not uri or "#" in uri or any(ord(c) < 0x21 or ord(c) == 0x7F for c in uri):
        return False
    scheme = urllib.parse.urlsplit(uri).scheme.lower()
    return bool(scheme) and scheme not in _UNSAFE_SCHEMES


def grant_request(get: Any) -> GrantRequest:
    """Check an authorize request (query or form, read through ``get(name)``); else GrantRefused."""
    client_id = get("client_id").strip()
    client = accounts.client(client_id)
    if client is None:
        raise GrantRefused(404, "Cannot find client: the application's client_id is unknown.")
    kind = get("type").strip()
    if kind not in ("token", "web_server"):
        raise GrantRefused(400, f"Invalid type {kind}: type=token (the token in the redirect's "
                                "fragment) or type=web_server (a one-time code for the "
                                "application's server) is supported.")
    challenge = ""
    if kind == "web_server":
        try:
            challenge = checked_challenge(get("code_challenge").strip(),
                                          get("code_challenge_method").strip())
        except ValueError as exc:
            raise GrantRefused(400, str(exc)) from None
    registered = client.redirect_uri.strip()
    if not _registered_uri_usable(registered):
        raise GrantRefused(400, f"The application {client.name} has no usable registered redirect "
                                "URI. The kegdash administrator can set one with "
                                "'kegdash admin add-client NAME --redirect-uri URL'.")
    wanted = get("redirect_uri").strip() or registered
    if wanted != registered:
        raise GrantRefused(400, f"Redirect not allowed: {wanted} is not the address registered "
                                f"for {client.name}.")
    scopes: list[str] = []
    for scope in (s.strip() for s in get("scope").split(",")):
        if scope and scope not in SCOPES:
            raise GrantRefused(400, f"Unknown scope {scope}.")
        if scope and scope not in scopes:
            scopes.append(scope)
    return GrantRequest(client=client, redirect_uri=registered, scopes=scopes,
                        state=get("state")[:500], kind=kind, challenge=challenge)


# --- tap list data --------------------------------------------------------------------------

BADGES = {"low": "LOW", "kicked": "KICKED", "empty": "NO KEG"}


def tap_card(entry: BoardTap, pouring_ml: float | None, now: dt.datetime, units: str,
             low_fraction: float) -> dict[str, Any]:
    """Display strings for one tap in the site's display units: the page and the poll share
    them, so both always agree. Never who poured: the list hangs on a public TV. A kicked keg
    shows no pour in progress (nothing can flow from it); while one runs elsewhere, the level
    already counts the beer in the glass."""
    tap, recipe = entry.card, entry.recipe
    state = tap_state(tap, low_fraction)
    card: dict[str, Any] = {
        "id": tap.tap_id, "name": tap.name, "state": state, "badge": BADGES.get(state, ""),
        "temp": fmt.temperature(tap.temp_c, units) if tap.temp_c is not None else ""}
    if state == "empty":
        return {**card, "beverage": "No keg on tap", "style": "", "abv": "", "ibu": "", "color": "",
                "colorName": "", "fraction": 0, "percent": "", "level": "", "glasses": "",
                "pour": "", "pouring": False}
    pouring = pouring_ml is not None and state != "kicked"
    if pouring:
        pour = f"Pouring… {fmt.volume(pouring_ml, units)}"
    elif tap.last_pour_ml is not None and tap.last_pour_time is not None:
        pour = f"Last pour {fmt.volume(tap.last_pour_ml, units)}, {fmt.ago(tap.last_pour_time, now)}"
    else:
        pour = "Fresh keg"
    remaining = max(0.0, tap.remaining_ml - (pouring_ml if pouring else 0.0))
    fraction = min(1.0, remaining / tap.full_ml) if tap.full_ml else 0.0
    ibu, color, color_name = (recipe.ibu, recipe.color_css, recipe.color_name) if recipe else (None,) * 3
    return {
        **card, "beverage": tap.beverage, "style": tap.style,
        "abv": f"{tap.abv:.1f} %" if tap.abv is not None else "",
        "ibu": f"{ibu:.0f}" if ibu is not None else "",
        "color": color or "", "colorName": color_name or "",
        "fraction": round(fraction, 4),
        "percent": "" if state == "kicked" else f"{fraction * 100:.0f} %",
        "level": "Empty" if state == "kicked" else f"{fmt.keg_volume(remaining, units)} left",
        "glasses": "" if state == "kicked" else fmt.glasses(remaining, units),
        "pour": pour, "pouring": pouring,
    }


def tap_cards() -> list[dict[str, Any]]:
    """Every tap's card, in the site's display units."""
    now, live = utcnow(), events.pours.current()
    settings = get_settings("display_units", "low_keg_fraction")
    return [tap_card(entry, live[entry.card.tap_id].volume_ml if entry.card.tap_id in live else None,
                     now, settings["display_units"], settings["low_keg_fraction"])
            for entry in board()]


def _waiting_for_admission(user: Principal | None) -> bool:
    """True if ``user`` is logged in but, in ``members`` mode, not (yet) a member."""
    return user is not None and not user.is_member and get_setting("privacy") == "members"


def words(text: str) -> str:
    """``text`` as escaped words, each in a span that never breaks: a line may end only between
    words, never at a hyphen or a slash inside one ("2026-12-|02"). The one raw insertion
    besides the layout's: every word is escaped here."""
    return " ".join(f'<span class="w">{bottle.html_escape(word)}</span>' for word in text.split())


def may_see_taps(user: Principal | None) -> bool:
    """The tap list shows what ``GET /api/taps`` shows, so the Kegbot privacy mode applies."""
    mode = get_setting("privacy")
    if mode == "public":
        return True
    if user is None:
        return False
    return mode == "members" and user.is_member or user.is_staff or user.is_superuser


# --- the routes -----------------------------------------------------------------------------

class WebPages:
    """The page handlers."""

    def __init__(self, apis: list[str]) -> None:
        self.apis = apis

    def login_form(self) -> str:
        next_path = safe_next(bottle.request.query.getunicode("next", default=""))
        session = web_session.ensure()
        return _page("login.tpl", title="Log in", session=session, next=next_path, error="",
                     username="", waiting=_waiting_for_admission(session.user))

    def login(self) -> str:
        session = web_session.current()
        next_path = safe_next(_form("next"))
        if not web_session.csrf_ok(session, _form("csrf")):
            return _problem(403, "This form has expired or did not come from this site. "
                                 "Go back, reload the page and try again.")
        username, password = _form("username").strip()[:100], _form("password")
        try:
            user = accounts.authenticate(username, password, address=_client_address())
        except TooManyAttempts as exc:
            bottle.response.set_header("Retry-After", str(exc.wait_seconds))
            return _page("login.tpl", status=429, title="Log in", session=session, next=next_path,
                         username=username, waiting=False,
                         error="Too many failed attempts. Try again in "
                               f"{max(1, round(exc.wait_seconds / 60))} min.")
        if user is None:
            return _page("login.tpl", status=401, title="Log in", session=session, next=next_path,
                         username=username, waiting=False, error="Wrong user name or password.")
        web_session.log_in(session, user)
        _redirect(next_path)

    def logout(self) -> str:
        session = web_session.current()
        if not web_session.csrf_ok(session, _form("csrf")):
            return _problem(403, "This form has expired or did not come from this site. "
                                 "Go back, reload the page and try again.")
        web_session.log_out(session)
        _redirect(safe_next(_form("next")))

    def authorize_form(self) -> str:
        query = bottle.request.query
        try:
            request = grant_request(lambda name: (query.getunicode(name, default="") or "")[:MAX_FIELD])
        except GrantRefused as exc:
            return _problem(exc.status, exc.message)
        session = web_session.ensure()
        user = session.user
        here = "/account/authorize?" + request.query()
        if user is None:
            _redirect(_login_url(here))
        if request.client.trusted:
            _redirect(request.granted(user))
        scopes = [(scope, SCOPE_WORDS[scope]) for scope in request.scopes]
        origin = urllib.parse.urlsplit(request.redirect_uri)
        return _page("authorize.tpl", title=f"Allow {request.client.name}?", session=session,
                     client=request.client, scopes=scopes, request=request, here=here,
                     destination=f"{origin.scheme}://{origin.netloc}" if origin.netloc
                     else request.redirect_uri)

    def authorize(self) -> str:
        session = web_session.current()
        if not web_session.csrf_ok(session, _form("csrf")):
            return _problem(403, "This form has expired or did not come from this site. "
                                 "Go back, reload the page and try again.")
        try:
            request = grant_request(_form)
        except GrantRefused as exc:
            return _problem(exc.status, exc.message)
        user = session.user
        if user is None:
            _redirect(_login_url("/account/authorize?" + request.query()))
        _redirect(request.granted(user) if _form("decision") == "approve" else request.denied())

    def index(self) -> str | dict:
        """The tap list for browsers; API clients (no ``text/html`` in Accept) get the JSON index."""
        bottle.response.set_header("Vary", "Accept")
        if "text/html" not in (bottle.request.get_header("Accept") or ""):
            return {"name": "kegdash", "version": __version__, "apis": self.apis,
                    "pages": ["/taps", "/account/login", "/account/authorize"]}
        return self.taps_page()

    def taps_page(self) -> str:
        session = web_session.ensure()
        if not may_see_taps(session.user):
            _redirect(_login_url("/taps"))
        return _page("taps.tpl", title="On tap", session=session, taps=tap_cards())

    def taps_state(self) -> dict:
        bottle.response.set_header("Cache-Control", "no-store")
        bottle.response.set_header("X-Content-Type-Options", "nosniff")
        if not may_see_taps(web_session.logged_in_user()):
            bottle.response.status = 401
            return {"error": "Log in to see the taps."}
        return {"taps": tap_cards()}

    def static(self, filename: str) -> bottle.HTTPResponse:
        response = bottle.static_file(filename, root=str(resource_path("web", "static")))
        response.set_header("Cache-Control", "no-cache")
        response.set_header("X-Content-Type-Options", "nosniff")
        return response


def _not_found_page(apis: list[str], fallback: Any) -> Any:
    """A browser asking for a page that is not there gets one in the site's layout; an API path,
    or a client that does not take HTML, gets ``fallback``'s answer (each API's own format)."""
    def not_found(error: bottle.HTTPError) -> str:
        path = bottle.request.path
        in_api = any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in apis)
        if in_api or "text/html" not in (bottle.request.get_header("Accept") or ""):
            return fallback(error)
        return _problem(404, f"There is no page at {path}.", heading="Page not found")
    return not_found


def install(root: bottle.Bottle, apis: list[str]) -> None:
    """Add the pages to the root app (``/``, ``/taps``, ``/account/…``, ``/static/web/…``) and
    the browsers' "page not found"; ``apis`` are the API prefixes the JSON index at ``/`` lists."""
    events.pours.attach(events.bus)
    root.error(404)(_not_found_page(apis, root.error_handler.get(404, root.default_error_handler)))
    pages = WebPages(apis)
    root.route("/", "GET", pages.index)
    root.route("/taps", "GET", pages.taps_page)
    root.route("/taps/state", "GET", pages.taps_state)
    root.route("/account/login", "GET", pages.login_form)
    root.route("/account/login", "POST", pages.login)
    root.route("/account/logout", "POST", pages.logout)
    root.route("/account/authorize", "GET", pages.authorize_form)
    root.route("/account/authorize", "POST", pages.authorize)
    web_token.install(root)
    root.route("/static/web/<filename:path>", "GET", pages.static)
