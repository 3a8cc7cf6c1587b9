"""The Tapline accounts, authorizations, recipes and actions through real HTTP.

Users register and get their tokens through the API itself, as a client following the seed
would; only the client application is made with the domain call behind
``kegdash admin add-client``.
"""

import base64
import json
import re

import pytest

from kegdash.accounts.keys import create_client

ALL_SCOPES = ["user", "user:delete", "user:email", "recipe", "recipe:delete", "private"]
ID_RE = re.compile(r"^[0-9a-f]{24}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PALE = {"name": "Pale Ale", "description": "A pale ale",
        "fermentables": [{"name": "Pale malt", "weight": 4.5, "yield": 75, "color": 3}],
        "spices": [{"name": "Cascade", "weight": 0.028, "aa": 4.5, "time": 60, "use": "boil",
                    "form": "pellet"}]}


class Api:
    """A Tapline client: JSON in, JSON (or the plain-text error) out."""

    def __init__(self, http) -> None:
        self.http = http
        self.client, self.secret = create_client("Test client")
        self.client_id = self.client.public_id

    def call(self, method, path, body=None, token=None, basic=None, raw=None):
        headers = {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if basic is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{basic[0]}:{basic[1]}".encode()).decode()
        status, hdrs, payload = self.http.request(method, path, data, headers)
        hdrs = {k.lower(): v for k, v in hdrs.items()}
        if hdrs.get("content-type", "").startswith("application/json"):
            return status, json.loads(payload), hdrs
        if status >= 400:
            assert hdrs["content-type"] == "text/plain; charset=utf-8"
            assert b"Traceback" not in payload
        return status, payload.decode(), hdrs

    def register(self, name, password="secret-pw", **extra):
        status, body, _ = self.call("POST", "/v1/users", {
            "name": name, "email": f"{name}@example.com", "password": password, **extra})
        assert status == 201, body
        return body

    def token(self, name, scopes, password="secret-pw"):
        status, body, _ = self.call("POST", "/v1/authorizations", {
            "clientId": self.client_id, "clientSecret": self.secret, "scopes": scopes},
            basic=(name, password))
        assert status == 201, body
        return body["token"]


@pytest.fixture
def api(http):
    return Api(http)


@pytest.fixture
def pair(api):
    """anna and bob, each with an all-scope token and a no-scope token."""
    anna, bob = api.register("anna"), api.register("bobby")
    return {
        "anna": anna, "bob": bob,
        "anna_all": api.token("anna", ALL_SCOPES), "anna_none": api.token("anna", []),
        "bob_all": api.token("bobby", ALL_SCOPES),
    }


def create(api, token, recipe=PALE, **extra):
    status, body, _ = api.call("POST", "/v1/recipes", {"recipe": recipe, **extra}, token=token)
    assert status == 200, body
    return body


# --- registration and users ------------------------------------------------------------------

def test_register_answers_201_with_the_seed_shape_and_no_email(api):
    status, body, hdrs = api.call("POST", "/v1/users", {
        "name": "username", "email": "user@example.com", "password": "pw",
        "image": "http://foo.com/bar.jpg?size=SIZE", "location": [-122.331, 47.61]})
    assert status == 201
    assert hdrs["content-type"] == "application/json; charset=utf-8"
    assert set(body) == {"confirmed", "created", "following", "id", "image", "location", "name",
                         "recipeCount"}
    assert body["confirmed"] is False and body["following"] == [] and body["recipeCount"] == 0
    assert body["location"] == [-122.331, 47.61] and body["name"] == "username"
    assert ID_RE.match(body["id"]) and TIME_RE.match(body["created"])
    assert "user@example.com" not in json.dumps(body)


@pytest.mark.parametrize(("body", "prop"), [
    ({"email": "a@example.com", "password": "pw"}, "name"),
    ({"name": "someone", "password": "pw"}, "email"),
    ({"name": "someone", "email": "a@example.com"}, "password"),
    ({"name": "Bad Name!", "email": "a@example.com", "password": "pw"}, "name"),
    ({"name": "abc", "email": "a@example.com", "password": "pw"}, "name"),
    ({"name": "someone", "email": "not-an-email", "password": "pw"}, "email"),
    ({"name": "someone", "email": "a@example.com", "password": "pw", "location": [1]},
     "location"),
    ({"name": "someone", "email": "a@example.com", "password": "pw", "location": [200, 1]},
     "location"),
    ({"name": "someone", "email": "a@example.com", "password": ""}, "password"),
])
def test_register_refuses_bad_fields(api, body, prop):
    status, text, _ = api.call("POST", "/v1/users", body)
    assert status == 400 and prop in text


def test_register_refuses_duplicate_name(api):
    api.register("daniel")
    status, text, _ = api.call("POST", "/v1/users", {"name": "daniel", "email": "x@example.com",
                                                      "password": "pw"})
    assert status == 400 and "daniel" in text


def test_public_users_sorting_and_location(api):
    api.register("seattle", location=[-122.331, 47.61])
    api.register("london", location=[-0.1276, 51.5072])
    api.register("nowhere")
    status, body, _ = api.call("GET", "/v1/public/users")
    assert status == 200 and [u["name"] for u in body] == ["london", "nowhere", "seattle"]
    status, body, _ = api.call("GET", "/v1/public/users?sort=location&fromLat=48.85&fromLong=2.35")
    assert [u["name"] for u in body] == ["london", "seattle", "nowhere"]
    status, body, _ = api.call("GET", "/v1/public/users?sort=location&fromLat=45.5&fromLong=-122.7")
    assert [u["name"] for u in body][:2] == ["seattle", "london"]
    status, text, _ = api.call("GET", "/v1/public/users?sort=location")
    assert status == 400 and "fromLat" in text
    status, text, _ = api.call("GET", "/v1/public/users?sort=foo")
    assert status == 400 and "sort" in text
    status, body, _ = api.call("GET", "/v1/public/users?names=seattle,nowhere&sort=-name")
    assert [u["name"] for u in body] == ["seattle", "nowhere"]
    status, body, _ = api.call("GET", "/v1/public/users?limit=1&offset=1")
    assert [u["name"] for u in body] == ["nowhere"]


def test_public_user_by_id_is_one_object_or_404(api):
    user = api.register("someone")
    status, body, _ = api.call("GET", f"/v1/public/users/{user['id']}")
    assert status == 200 and body["name"] == "someone"
    status, text, _ = api.call("GET", "/v1/public/users/" + "0" * 24)
    assert status == 404


def test_profile_email_only_with_user_email_scope(api, pair):
    status, body, _ = api.call("GET", "/v1/profile", token=pair["anna_all"])
    assert status == 200 and body["email"] == "anna@example.com" and body["name"] == "anna"
    status, body, _ = api.call("GET", "/v1/profile", token=pair["anna_none"])
    assert status == 200 and "email" not in body
    for path in ("/v1/public/users", f"/v1/public/users/{pair['anna']['id']}", "/v1/users",
                 "/v1/public/actions"):
        status, body, _ = api.call("GET", path, token=None if "public" in path else pair["bob_all"])
        assert "anna@example.com" not in json.dumps(body)


def test_update_user_follow_and_location(api, pair):
    anna, bob = pair["anna"], pair["bob"]
    path = f"/v1/users/{anna['id']}"
    status, body, _ = api.call("PUT", path, {"addFollowing": [bob["id"]], "location": [10, 20]},
                               token=pair["anna_all"])
    assert status == 200 and body["following"] == [bob["id"]] and body["location"] == [10, 20]
    status, body, _ = api.call("GET", f"/v1/public/actions?userIds={anna['id']}")
    followed = [a for a in body if a["type"] == "user-followed"]
    assert followed and followed[0]["targetId"] == bob["id"]
    assert followed[0]["data"]["name"] == "bobby"
    status, text, _ = api.call("PUT", path, {"following": [], "addFollowing": []},
                               token=pair["anna_all"])
    assert status == 400 and "following" in text
    status, body, _ = api.call("PUT", path, {"removeFollowing": [bob["id"]]},
                               token=pair["anna_all"])
    assert status == 200 and body["following"] == []
    status, text, _ = api.call("PUT", path, {"name": "bobby"}, token=pair["anna_all"])
    assert status == 400 and "bobby" in text


def test_rename_and_password_change(api, pair):
    path = f"/v1/users/{pair['anna']['id']}"
    status, body, _ = api.call("PUT", path, {"name": "anna-maria", "password": "new-pw"},
                               token=pair["anna_all"])
    assert status == 200 and body["name"] == "anna-maria"
    query = f"/v1/authorizations?clientId={api.client_id}&clientSecret={api.secret}"
    assert api.call("GET", query, basic=("anna-maria", "new-pw"))[0] == 200
    assert api.call("GET", query, basic=("anna-maria", "secret-pw"))[0] == 401


def test_users_can_only_change_or_delete_themselves(api, pair):
    path = f"/v1/users/{pair['bob']['id']}"
    assert api.call("PUT", path, {"name": "evil"}, token=pair["anna_all"])[0] == 403
    assert api.call("DELETE", path, token=pair["anna_all"])[0] == 403
    assert api.call("PUT", "/v1/users/" + "0" * 24, {}, token=pair["anna_all"])[0] == 404


def test_delete_user_removes_recipes_actions_and_tokens(api, pair):
    recipe = create(api, pair["anna_all"])
    status, _, _ = api.call("DELETE", f"/v1/users/{pair['anna']['id']}", token=pair["anna_all"])
    assert status == 204
    assert api.call("GET", "/v1/profile", token=pair["anna_all"])[0] == 401
    assert api.call("GET", f"/v1/public/recipes/{recipe['id']}")[0] == 404
    status, body, _ = api.call("GET", "/v1/public/actions")
    assert all(a["user"]["name"] != "anna" and a.get("targetId") != recipe["id"] for a in body)
    assert api.call("GET", f"/v1/public/users/{pair['anna']['id']}")[0] == 404


# --- authorizations --------------------------------------------------------------------------

def test_authorization_lifecycle(api):
    user = api.register("brewer")
    creds = {"clientId": api.client_id, "clientSecret": api.secret}
    status, auth, _ = api.call("POST", "/v1/authorizations", {**creds, "scopes": ["user"]},
                               basic=("brewer", "secret-pw"))
    assert status == 201
    assert set(auth) == {"clientId", "created", "id", "scopes", "token", "userId"}
    assert auth["clientId"] == api.client_id and auth["userId"] == user["id"]
    assert re.match(r"^[0-9a-f]{40}$", auth["token"]) and ID_RE.match(auth["id"])
    query = f"?clientId={api.client_id}&clientSecret={api.secret}"
    status, listed, _ = api.call("GET", "/v1/authorizations" + query, basic=("brewer", "secret-pw"))
    assert status == 200 and [a["id"] for a in listed] == [auth["id"]]
    path = f"/v1/authorizations/{auth['id']}"
    status, one, _ = api.call("GET", path + query, basic=("brewer", "secret-pw"))
    assert status == 200 and one["token"] == auth["token"]

    def put(change):
        return api.call("PUT", path, {**creds, **change}, basic=("brewer", "secret-pw"))

    assert put({"scopes": ["recipe"]})[1]["scopes"] == ["recipe"]
    assert put({"addScopes": ["private", "user"]})[1]["scopes"] == ["recipe", "private", "user"]
    assert put({"removeScopes": ["private", "user"]})[1]["scopes"] == ["recipe"]
    status, text, _ = put({})
    assert status == 400 and "scopes" in text
    status, text, _ = put({"scopes": [], "addScopes": []})
    assert status == 400 and "Only one" in text
    status, text, _ = put({"addScopes": ["admin"]})
    assert status == 400 and "addScopes" in text

    assert api.call("GET", "/v1/profile", token=auth["token"])[0] == 200
    status, _, _ = api.call("DELETE", path, creds, basic=("brewer", "secret-pw"))
    assert status == 204
    status, _, hdrs = api.call("GET", "/v1/profile", token=auth["token"])
    assert status == 401 and "invalid_token" in hdrs["www-authenticate"]
    assert api.call("GET", path + query, basic=("brewer", "secret-pw"))[0] == 404


def test_authorization_failures(api):
    api.register("brewer")
    good = {"clientId": api.client_id, "clientSecret": api.secret, "scopes": []}
    status, _, hdrs = api.call("POST", "/v1/authorizations", good)
    assert status == 401 and hdrs["www-authenticate"].startswith("Basic")
    assert api.call("POST", "/v1/authorizations", good, basic=("brewer", "wrong"))[0] == 401
    assert api.call("POST", "/v1/authorizations", good, basic=("nobody", "x"))[0] == 401
    status, text, _ = api.call("POST", "/v1/authorizations", {**good, "clientId": "f" * 24},
                               basic=("brewer", "secret-pw"))
    assert status == 401 and "Client not found" in text
    status, text, _ = api.call("POST", "/v1/authorizations", {**good, "clientSecret": "nope"},
                               basic=("brewer", "secret-pw"))
    assert status == 401 and "secret" in text
    for missing in ("clientId", "clientSecret"):
        body = {k: v for k, v in good.items() if k != missing}
        status, text, _ = api.call("POST", "/v1/authorizations", body,
                                   basic=("brewer", "secret-pw"))
        assert status == 400 and missing in text
    status, _, _ = api.call("GET", "/v1/authorizations", basic=("brewer", "secret-pw"))
    assert status == 400


def test_other_users_authorizations_are_not_found(api):
    api.register("brewer"), api.register("other")
    token_auth = api.call("POST", "/v1/authorizations",
                          {"clientId": api.client_id, "clientSecret": api.secret},
                          basic=("brewer", "secret-pw"))[1]
    query = f"?clientId={api.client_id}&clientSecret={api.secret}"
    status, _, _ = api.call("GET", f"/v1/authorizations/{token_auth['id']}{query}",
                            basic=("other", "secret-pw"))
    assert status == 404
    status, _, _ = api.call("DELETE", f"/v1/authorizations/{token_auth['id']}",
                            {"clientId": api.client_id, "clientSecret": api.secret},
                            basic=("other", "secret-pw"))
    assert status == 404


# --- scopes ----------------------------------------------------------------------------------

def _matrix_cases(ids):
    me, recipe = ids["me"], ids["recipe"]
    return [
        ("GET", "/v1/profile", None, None),
        ("GET", "/v1/users", None, None),
        ("GET", f"/v1/users/{me}", None, None),
        ("PUT", f"/v1/users/{me}", {"image": "http://example.com/a.png"}, "user"),
        ("GET", "/v1/recipes", None, None),
        ("GET", "/v1/recipes?private=true", None, "private"),
        ("GET", "/v1/recipes?showPrivate=true", None, "private"),
        ("GET", f"/v1/recipes/{recipe}", None, None),
        ("POST", "/v1/recipes", {"recipe": PALE}, "recipe"),
        ("POST", "/v1/recipes", {"recipe": PALE, "private": True}, "private"),
        ("PUT", f"/v1/recipes/{recipe}", {"recipe": PALE}, "recipe"),
        ("PUT", f"/v1/recipes/{ids['secret']}", {"recipe": PALE}, "private"),
        ("GET", "/v1/actions", None, None),
        ("GET", "/v1/actions?showPrivate=true", None, "private"),
        ("DELETE", f"/v1/recipes/{ids['secret']}", None, "private"),
        ("DELETE", f"/v1/recipes/{recipe}", None, "recipe:delete"),
        ("DELETE", f"/v1/users/{me}", None, "user:delete"),
    ]


def test_scope_matrix(api):
    """Each authenticated endpoint: no token 401, bad token 401, token without its scope 403,
    token with every scope but that one 403 (where a scope is needed), full token 2xx."""
    me = api.register("owner")
    full = api.token("owner", ALL_SCOPES)
    recipe = create(api, full)["id"]
    secret = create(api, full, private=True)["id"]
    ids = {"me": me["id"], "recipe": recipe, "secret": secret}
    for method, path, body, scope in _matrix_cases(ids):
        status, _, hdrs = api.call(method, path, body)
        assert status == 401 and hdrs["www-authenticate"].startswith("Bearer"), (method, path)
        assert api.call(method, path, body, token="f" * 40)[0] == 401, (method, path)
        if scope is not None:
            lacking = api.token("owner", [s for s in ALL_SCOPES if s != scope])
            status, text, _ = api.call(method, path, body, token=lacking)
            assert status == 403 and scope in text, (method, path, status, text)
        status, answer, _ = api.call(method, path, body, token=full)
        assert status in (200, 204), (method, path, status, answer)


# --- recipes ---------------------------------------------------------------------------------

def test_create_recipe_shape_slug_author_and_detail(api, pair):
    body = create(api, pair["anna_all"], detail=True)
    assert set(body) == {"created", "data", "id", "parent", "private", "slug", "user"}
    assert body["slug"] == "pale-ale" and body["private"] is False and body["parent"] is None
    assert body["user"] == {"id": pair["anna"]["id"], "image": pair["anna"]["image"],
                            "name": "anna"}
    data = body["data"]
    assert data["author"] == "anna" and data["name"] == "Pale Ale"
    assert data["batchSizeGallons"] == pytest.approx(20 * 0.264172)
    assert data["agingTempF"] == 68 and data["secondaryTempF"] == 32
    assert data["servingSizeOz"] == pytest.approx(12.004, abs=0.001)
    for key in ("og", "fg", "ibu", "abv", "color", "colorEbc", "timeline", "timelineImperial"):
        assert key in data
    assert data["colorEbc"] == pytest.approx(data["color"] * 1.97)
    again = create(api, pair["anna_all"])
    assert again["slug"] == "pale-ale-1"
    third = create(api, pair["anna_all"])
    assert third["slug"] == "pale-ale-2"
    assert create(api, pair["bob_all"])["slug"] == "pale-ale"
    odd = create(api, pair["anna_all"], recipe={"name": "Märzen & Öl (dark)!"})
    assert odd["slug"] == "marzen-and-ol-dark"
    assert create(api, pair["anna_all"], recipe={"name": "日本"})["slug"] == "recipe"


def test_recipe_numbers_match_the_calculator(api, pair):
    stored = create(api, pair["anna_all"], detail=True)["data"]
    status, calc, _ = api.call("POST", "/v1/calculate/recipe", {"format": "json",
                                                                "recipes": [PALE]})
    for key in ("og", "fg", "ibu", "abv", "color", "timeline"):
        assert stored[key] == calc[0][key]


@pytest.mark.parametrize(("body", "prop"), [
    ({}, "recipe"),
    ({"recipe": "x"}, "recipe"),
    ({"recipe": {"fermentables": [{"name": "Malt", "weight": "heavy"}]}}, "weight"),
    ({"recipe": {"fermentables": "lots"}}, "fermentables"),
    ({"recipe": PALE, "private": "yes"}, "private"),
    ({"recipe": PALE, "parent": "f" * 24}, "parent"),
])
def test_create_recipe_refuses_bad_input(api, pair, body, prop):
    status, text, _ = api.call("POST", "/v1/recipes", body, token=pair["anna_all"])
    assert status == 400 and prop in text


def test_update_recipe_renames_slug_and_rewrites_feed(api, pair):
    recipe = create(api, pair["anna_all"])
    changed = {**PALE, "name": "Test Recipe", "fermentables": [{"name": "Pale malt",
                                                                 "weight": 3.4}]}
    status, body, _ = api.call("PUT", f"/v1/recipes/{recipe['id']}", {"recipe": changed},
                               token=pair["anna_all"])
    assert status == 200 and body["slug"] == "test-recipe"
    assert body["data"]["fermentables"][0]["weight"] == 3.4
    status, feed, _ = api.call("GET", f"/v1/public/actions?userIds={pair['anna']['id']}")
    about = [a for a in feed if a.get("targetId") == recipe["id"]]
    assert [a["type"] for a in about] == ["recipe-updated", "recipe-created"]
    assert all(a["data"]["name"] == "Test Recipe" and a["data"]["slug"] == "test-recipe"
               for a in about)
    assert set(about[0]["data"]) == {"abv", "color", "description", "fg", "ibu", "name", "og",
                                     "slug"}
    assert TIME_RE.match(about[0]["created"])
    status, text, _ = api.call("PUT", f"/v1/recipes/{recipe['id']}", {"recipe": PALE},
                               token=pair["bob_all"])
    assert status == 403


def test_update_keeps_the_author_unless_the_body_changes_it(api, pair):
    recipe = create(api, pair["anna_all"], recipe={**PALE, "author": "Anna K."})
    path = f"/v1/recipes/{recipe['id']}"
    status, body, _ = api.call("PUT", path, {"recipe": {**PALE, "name": "Pale Ale 2"}},
                               token=pair["anna_all"])
    assert status == 200 and body["data"]["author"] == "Anna K."
    status, body, _ = api.call("PUT", path, {"recipe": {**PALE, "author": "Anna and Bob"}},
                               token=pair["anna_all"])
    assert status == 200 and body["data"]["author"] == "Anna and Bob"
    status, body, _ = api.call("PUT", path, {"private": False}, token=pair["anna_all"])
    assert status == 200 and body["data"]["author"] == "Anna and Bob"
    status, (stored,), _ = api.call("GET", f"/v1/public/recipes?ids={recipe['id']}&detail=true")
    assert stored["data"]["author"] == "Anna and Bob"


def test_clone_with_parent_and_populate(api, pair):
    parent = create(api, pair["anna_all"])
    status, clone, _ = api.call("POST", "/v1/recipes", {
        "recipe": PALE, "parent": parent["id"], "populateParent": True, "detail": True},
        token=pair["bob_all"])
    assert status == 200
    assert clone["parent"]["id"] == parent["id"] and clone["parent"]["slug"] == "pale-ale"
    assert clone["parent"]["user"]["name"] == "anna" and "og" in clone["parent"]
    status, body, _ = api.call("GET", f"/v1/public/recipes?parentIds={parent['id']}")
    assert [r["id"] for r in body] == [clone["id"]] and body[0]["parent"] == parent["id"]


def test_list_filters_sort_and_paging(api, pair):
    a = create(api, pair["anna_all"], recipe={"name": "Alpha"})
    b = create(api, pair["anna_all"], recipe={"name": "Beta"})
    c = create(api, pair["bob_all"], recipe={"name": "Gamma"})
    get = lambda q: api.call("GET", "/v1/public/recipes" + q)  # noqa: E731
    assert [r["id"] for r in get("")[1]] == [c["id"], b["id"], a["id"]]
    assert [r["id"] for r in get("?sort=name")[1]] == [a["id"], b["id"], c["id"]]
    assert [r["id"] for r in get("?sort=-name&limit=2")[1]] == [c["id"], b["id"]]
    assert [r["id"] for r in get("?sort=name&offset=1&limit=1")[1]] == [b["id"]]
    assert [r["id"] for r in get(f"?userIds={pair['anna']['id']}&slugs=beta")[1]] == [b["id"]]
    assert [r["id"] for r in get(f"?ids={a['id']},{c['id']}&sort=name")[1]] == [a["id"], c["id"]]
    assert get("?ids=nonsense")[1] == []
    for query, prop in [("?sort=foo", "sort"), ("?limit=0", "limit"), ("?limit=61", "limit"),
                        ("?limit=-1", "limit"), ("?offset=-1", "offset"),
                        ("?offset=99999999999999999999", "offset"), ("?offset=abc", "offset"),
                        ("?limit=1&limit=2", "limit"), ("?detail=maybe", "detail")]:
        status, text, _ = get(query)
        assert status == 400 and prop in text, query
    status, one, _ = get(f"/{a['id']}")
    assert status == 200 and one["id"] == a["id"]
    assert get("/" + "0" * 24)[0] == 404


def test_private_recipes_never_leak(api, pair):
    secret = create(api, pair["anna_all"], recipe={"name": "Secret Stout",
                                                   "description": "hush"}, private=True)
    assert secret["private"] is True
    sid, anna_id = secret["id"], pair["anna"]["id"]
    leaky = [
        ("/v1/public/recipes", None), (f"/v1/public/recipes?ids={sid}", None),
        (f"/v1/public/recipes?userIds={anna_id}", None),
        (f"/v1/public/recipes?userIds={anna_id}&slugs=secret-stout", None),
        ("/v1/public/recipes?showPrivate=true", None), ("/v1/public/recipes?private=true", None),
        ("/v1/public/actions", None), (f"/v1/public/actions?userIds={anna_id}", None),
        ("/v1/recipes?private=true", pair["bob_all"]),
        (f"/v1/recipes?ids={sid}&showPrivate=true", pair["bob_all"]),
        ("/v1/actions?showPrivate=true", pair["bob_all"]),
        ("/v1/recipes", pair["anna_all"]), ("/v1/actions", pair["anna_all"]),
    ]
    for path, token in leaky:
        status, body, _ = api.call("GET", path, token=token)
        assert status == 200, path
        assert "Secret Stout" not in json.dumps(body) and sid not in json.dumps(body), path
    for path, token in [(f"/v1/public/recipes/{sid}", None), (f"/v1/recipes/{sid}", pair["bob_all"]),
                        (f"/v1/recipes/{sid}?private=true", pair["bob_all"]),
                        (f"/v1/recipes/{sid}", pair["anna_all"])]:
        assert api.call("GET", path, token=token)[0] == 404, path
    assert api.call("PUT", f"/v1/recipes/{sid}", {"recipe": PALE}, token=pair["bob_all"])[0] == 404
    assert api.call("DELETE", f"/v1/recipes/{sid}", token=pair["bob_all"])[0] == 404
    status, text, _ = api.call("POST", "/v1/recipes", {"recipe": PALE, "parent": sid},
                               token=pair["bob_all"])
    assert status == 400
    # the owner sees it only when asking, with the private scope
    status, body, _ = api.call("GET", "/v1/recipes?private=true", token=pair["anna_all"])
    assert sid in [r["id"] for r in body]
    status, body, _ = api.call("GET", f"/v1/recipes/{sid}?showPrivate=true",
                               token=pair["anna_all"])
    assert status == 200 and body["data"]["description"] == "hush"
    status, body, _ = api.call("GET", "/v1/actions?showPrivate=true", token=pair["anna_all"])
    assert any(a.get("targetId") == sid and a["private"] for a in body)
    # a public clone of a private parent does not expand or name it
    clone = create(api, pair["anna_all"], recipe={"name": "Open Stout"}, parent=sid)
    status, body, _ = api.call("GET", f"/v1/public/recipes/{clone['id']}?populateParent=true")
    assert body["parent"] is None
    assert api.call("GET", f"/v1/public/recipes?parentIds={sid}")[1] == []


def test_delete_recipe_drops_it_and_its_actions(api, pair):
    recipe = create(api, pair["anna_all"])
    assert api.call("DELETE", f"/v1/recipes/{recipe['id']}", token=pair["bob_all"])[0] == 403
    assert api.call("DELETE", f"/v1/recipes/{recipe['id']}", token=pair["anna_all"])[0] == 204
    assert api.call("DELETE", f"/v1/recipes/{recipe['id']}", token=pair["anna_all"])[0] == 404
    status, feed, _ = api.call("GET", "/v1/public/actions")
    assert all(a.get("targetId") != recipe["id"] for a in feed)


def test_actions_feed_filters_and_single(api, pair):
    create(api, pair["anna_all"])
    status, feed, _ = api.call("GET", "/v1/public/actions?sort=created")
    assert status == 200 and [a["type"] for a in feed][:2] == ["user-joined", "user-joined"]
    newest = api.call("GET", "/v1/public/actions")[1][0]
    assert newest["type"] == "recipe-created" and newest["user"]["name"] == "anna"
    status, one, _ = api.call("GET", f"/v1/public/actions/{newest['id']}")
    assert status == 200 and one == newest
    assert api.call("GET", "/v1/public/actions/" + "0" * 24)[0] == 404
    status, text, _ = api.call("GET", "/v1/public/actions?sort=name")
    assert status == 400 and "sort" in text
    status, mine, _ = api.call("GET", f"/v1/actions?userIds={pair['bob']['id']}",
                               token=pair["anna_none"])
    assert status == 200 and {a["user"]["name"] for a in mine} == {"bobby"}


def test_bearer_header_forms(api, pair):
    assert api.call("GET", f"/v1/profile?access_token={pair['anna_all']}")[0] == 200
    status, _, _ = api.http.request("GET", "/v1/profile",
                                    headers={"Authorization": f"bearer {pair['anna_all']}"})
    assert status == 200
    status, _, _ = api.http.request("GET", "/v1/profile",
                                    headers={"Authorization": "Bearer a b"})
    assert status == 401
    status, _, _ = api.http.request(
        "GET", f"/v1/profile?access_token={pair['anna_all']}",
        headers={"Authorization": f"Bearer {pair['anna_all']}"})
    assert status == 400


# --- the whole story -------------------------------------------------------------------------

def test_end_to_end_a_client_following_the_seed(api):
    """Register, get a token, create a private and a public recipe, list, update, clone, delete,
    and read the feed."""
    me = api.register("homebrewer", password="hops&malt")
    creds = {"clientId": api.client_id, "clientSecret": api.secret}
    status, auth, _ = api.call("POST", "/v1/authorizations",
                               {**creds, "scopes": ["user", "recipe", "recipe:delete", "private"]},
                               basic=("homebrewer", "hops&malt"))
    assert status == 201
    token = auth["token"]
    status, private, _ = api.call("POST", "/v1/recipes", {"recipe": {
        "name": "House Saison", "fermentables": [{"name": "Pilsner malt", "weight": 4}]},
        "private": True}, token=token)
    assert status == 200 and private["private"] is True
    public = create(api, token, detail=True)
    assert public["data"]["og"] > 1
    status, mine, _ = api.call("GET", f"/v1/recipes?userIds={me['id']}&private=true&sort=name",
                               token=token)
    assert [r["slug"] for r in mine] == ["house-saison", "pale-ale"]
    status, public_list, _ = api.call("GET", f"/v1/public/recipes?userIds={me['id']}")
    assert [r["slug"] for r in public_list] == ["pale-ale"]
    status, updated, _ = api.call("PUT", f"/v1/recipes/{public['id']}", {
        "recipe": {**PALE, "name": "Pale Ale Two"}}, token=token)
    assert status == 200 and updated["slug"] == "pale-ale-two"
    clone = create(api, token, recipe={**PALE, "name": "Pale Ale Two"}, parent=public["id"],
                   populateParent=True)
    assert clone["slug"] == "pale-ale-two-1" and clone["parent"]["id"] == public["id"]
    status, _, _ = api.call("DELETE", f"/v1/recipes/{private['id']}", token=token)
    assert status == 204
    status, feed, _ = api.call("GET", f"/v1/actions?userIds={me['id']}&showPrivate=true",
                               token=token)
    assert [a["type"] for a in feed] == ["recipe-created", "recipe-updated", "recipe-created",
                                         "user-joined"]
    assert feed[1]["data"]["name"] == "Pale Ale Two" and feed[1]["targetId"] == public["id"]
    assert all(a.get("targetId") != private["id"] for a in feed)
