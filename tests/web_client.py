"""A browser for tests of the web pages: keeps its cookies and shows every redirect instead of
following it, over ``http.client`` on the real server."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from http.cookies import SimpleCookie

CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


class Browser:
    """One visitor: keeps its cookies, shows every redirect instead of following it."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.last_set_cookie: str = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        sent = {"Accept": "text/html", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        got = {k.lower(): v for k, v in resp.getheaders()}
        for raw in resp.headers.get_all("Set-Cookie") or []:
            self.last_set_cookie = raw
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return resp.status, got, text

    def get(self, path: str, **kwargs) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict[str, str], **kwargs) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, form, **kwargs)

    def csrf(self, path: str = "/account/login") -> str:
        status, _, page = self.get(path)
        assert status == 200, page
        return CSRF_RE.search(page).group(1)

    def login(self, username: str, password: str, next_path: str = "/") -> tuple[int, dict, str]:
        token = self.csrf(f"/account/login?next={urllib.parse.quote(next_path)}")
        return self.post("/account/login", {"csrf": token, "username": username,
                                            "password": password, "next": next_path})
