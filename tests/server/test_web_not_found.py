"""A page that is not there: browsers get one in the site's layout, API clients their format."""

import json

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_a_browser_gets_a_styled_page_not_found(http):
    status, headers, body = http.request("GET", "/no/such/<page>", headers=HTML)
    page = body.decode()
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<link rel="stylesheet" href="/static/web/kegdash.css">' in page
    assert "<h1>Page not found</h1>" in page and "There is no page at /no/such/&lt;page&gt;." in page
    assert 'href="/">Back to the tap list' in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_api_paths_and_non_browsers_keep_their_own_answer(http):
    for path in ("/api/no-such-thing", "/v1/nope", "/api_v1/nope"):
        status, headers, body = http.request("GET", path, headers=HTML)
        _, plain_headers, plain_body = http.request("GET", path)
        assert status == 404 and b"<!doctype" not in body
        assert (headers["Content-Type"], body) == (plain_headers["Content-Type"], plain_body)
    assert json.loads(http.request("GET", "/api/no-such-thing", headers=HTML)[2])["error"]
    status, headers, body = http.request("GET", "/no/such/page")
    assert status == 404 and body == b"404 Not Found\n"
