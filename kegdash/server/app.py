"""The root WSGI app: mounts each dialect and answers unknown paths in the right dialect;
``/healthz`` and ``/metrics`` are answered in front of it (``ops``)."""

from __future__ import annotations

from types import ModuleType

import bottle

from kegdash.db import database, release_connection
from kegdash.server import beekeeping, kegbot, kegbot_v1, openapi, tapline, web
from kegdash.server.json_plugin import JsonPlugin
from kegdash.server.ops import OperatedBottle

bottle.BaseRequest.MEMFILE_MAX = 4 * 1024 * 1024  # BeerXML uploads; the server caps raw bodies

# (mount prefix, dialect module): each module has ``make_app()`` and its ``DIALECT``.
DIALECTS = [("/api/", kegbot), ("/api/v1/", kegbot_v1), ("/api_v1/", beekeeping), ("/v1/", tapline)]


def _longest_prefix_first() -> list[tuple[str, ModuleType]]:
    """``/api/v1/`` lies inside ``/api/``: it is mounted, and matched, before it."""
    return sorted(DIALECTS, key=lambda item: -len(item[0]))


def _connect() -> None:
    """A SQLite connection stays with its server worker thread for life (opening one per request
    cost 19–58 %); a PostgreSQL one comes from the pool for this request
    (``db.release_connection``)."""
    database.connect(reuse_if_open=True)


def _utf8_path() -> None:
    """A path that is not UTF-8 names nothing: 404. Bottle would drop the bytes it cannot
    decode, so ``/api/taps/%ff`` became ``/api/taps/`` and answered the whole tap list."""
    try:
        bottle.request.environ["bottle.raw_path"].encode("latin1").decode("utf-8")
    except UnicodeError:
        raise bottle.HTTPError(404, "Not found: the path is not valid UTF-8.") from None


def _dialect_error(error: bottle.HTTPError) -> str:
    """404/405 from the router happen before any dialect plugin, so choose the format here."""
    path = bottle.request.path
    for prefix, module in _longest_prefix_first():
        if path == prefix.rstrip("/") or path.startswith(prefix):
            response = module.DIALECT.error_response(error.status_code, error.body or error.status_line)
            bottle.response.status = response.status
            for key, value in response.headerlist:
                bottle.response.set_header(key, value)
            return response.body
    bottle.response.content_type = "text/plain; charset=utf-8"
    return f"{error.status_line}\n"


def build_app() -> bottle.Bottle:
    root = OperatedBottle((prefix, module.DIALECT.name) for prefix, module in _longest_prefix_first())
    root.uninstall("json")  # ours handles lists and datetimes too
    for prefix, module in _longest_prefix_first():
        root.mount(prefix, module.make_app())
    # Mounted routes are merged into the root, so only the root's hooks run for them.
    root.add_hook("before_request", _utf8_path)
    root.add_hook("before_request", _connect)
    root.add_hook("after_request", release_connection)
    root.install(JsonPlugin())
    openapi.register(root)  # /openapi.json and /docs
    for status in (400, 404, 405, 413, 500):
        root.error(status)(_dialect_error)
    web.install(root, [prefix for prefix, _ in DIALECTS])  # /, /taps and /account/… pages

    return root
