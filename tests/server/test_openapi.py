"""The OpenAPI description matches the routes the real app serves, and is valid OpenAPI 3.1."""

from __future__ import annotations

import json
import re

import jsonschema_rs
import schemathesis

from kegdash.server import openapi
from kegdash.server.app import build_app

METHODS = {"get", "put", "post", "delete", "options", "patch", "head"}


def _served() -> set[tuple[str, str]]:
    """(method, path) of every API route of the real app, Bottle ``<name>`` as ``{name}``,
    without the trailing slash every path also answers to."""
    out = set()
    for route in build_app().routes:
        if not route.rule.startswith(openapi.API_PREFIXES):
            continue
        path = re.sub(r"<(\w+)(:[^>]*)?>", r"{\1}", route.rule)
        out.add((route.method.lower(), path.rstrip("/")))
    return out


def _described() -> set[tuple[str, str]]:
    return {(method, path) for path, item in openapi.description()["paths"].items()
            for method in item if method in METHODS}


def test_every_api_route_is_described():
    missing = _served() - _described()
    assert not missing, f"routes without a description: {sorted(missing)}"


def test_every_described_operation_is_served():
    extra = _described() - _served()
    assert not extra, f"described but not served: {sorted(extra)}"


def test_every_route_also_answers_with_a_trailing_slash():
    rules = {(route.method, route.rule) for route in build_app().routes
             if route.rule.startswith(openapi.API_PREFIXES)}
    for method, rule in rules:
        twin = rule[:-1] if rule.endswith("/") else rule + "/"
        assert (method, twin) in rules, f"{method} {rule} has no twin {twin}"


def test_the_description_is_valid_openapi_3_1():
    doc = openapi.description()
    assert doc["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(doc).validate()  # raises on an invalid document


def _schemas(node: object):
    """Every JSON Schema in the document (components, parameters, bodies, responses, headers)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                yield value
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def test_every_schema_is_valid_json_schema_2020_12():
    doc = openapi.description()
    schemas = [*doc["components"]["schemas"].values(), *_schemas(doc["paths"])]
    assert len(schemas) > 100
    for schema in schemas:
        jsonschema_rs.meta.validate(json.loads(json.dumps(schema)))


def test_served_over_http_with_an_offline_docs_page(http):
    status, headers, body = http.request("GET", "/openapi.json")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == json.loads(json.dumps(openapi.description()))
    status, headers, body = http.request("GET", "/docs")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert not re.search(r"<script|<link|src=|@import|url\(", page), "the page must work offline"
    for method, path in _described():
        assert f'<span class="m">{method}</span><code>{path}</code>' in page, (method, path)


def test_docs_page_reads_as_prose_on_a_phone():
    page = openapi.docs_html()
    assert "<meta name=viewport content='width=device-width, initial-scale=1'>" in page
    assert "**" not in page and "<li><strong>Kegbot</strong> at <code>/api/</code>" in page
