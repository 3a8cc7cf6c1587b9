"""Tapline's public converters and calculator through real HTTP, against the seed (002).

Expected numbers and texts are copied from the seed's responses; the colour example is sent as
intended (the seed's body misses a comma, which is tested separately as a 400).
"""

import json

import pytest

BEERXML = ("<recipes><recipe><version>1</version><name>Test</name><fermentables><fermentable>"
           "<name>Pale extract</name><amount>3.5</amount><yield>75</yield></fermentable>"
           "</fermentables></recipe></recipes>")
JSON_HEADERS = {"Content-Type": "application/json"}


def post(http, path, body, headers=JSON_HEADERS):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, hdrs, raw = http.request("POST", path, data, headers)
    return status, {k.lower(): v for k, v in hdrs.items()}, raw


def post_json(http, path, body):
    status, hdrs, raw = post(http, path, body)
    assert hdrs["content-type"] == "application/json; charset=utf-8", raw
    return status, json.loads(raw)


def test_seed_convert_duration(http):
    status, body = post_json(http, "/v1/convert/duration", {
        "values": [5823, "1 day 23 hours 2min", "60hrs"], "outputFormat": "display"})
    assert status == 200
    assert body == {"format": "display",
                    "values": ["4 days 1 hour 3 minutes", "1 day 23 hours 2 minutes",
                               "2 days 12 hours"]}


def test_duration_defaults_to_minutes_and_approximates(http):
    assert post_json(http, "/v1/convert/duration", {"values": ["1 day 23 hours 2min", "60hrs"]}) \
        == (200, {"format": "minutes", "values": [2822, 3600]})
    assert post_json(http, "/v1/convert/duration",
                     {"values": [5823], "outputFormat": "display", "approximate": 2}) \
        == (200, {"format": "display", "values": ["4 days 1 hour"]})


def test_seed_convert_color(http):
    status, body = post_json(http, "/v1/convert/color", {
        "format": "srm", "values": [4, 9, 15, 20, 28], "outputFormat": "ebc"})
    assert status == 200
    assert body == {"format": "ebc", "values": [7.88, 17.73, 29.55, 39.4, 55.16]}


def test_color_names_and_rgb(http):
    assert post_json(http, "/v1/convert/color",
                     {"format": "srm", "values": [8, 1], "outputFormat": "name"}) \
        == (200, {"format": "name", "values": ["gold", "pale straw"]})
    status, body = post_json(http, "/v1/convert/color",
                             {"format": "srm", "values": [0], "outputFormat": "rgb"})
    assert (status, body["values"]) == (200, [[255, 245, 220]])


def test_seed_color_example_as_printed_is_invalid_json(http):
    raw = b'{ "format": "srm", "values": [ 4, 9, 15, 20, 28 ] "outputFormat": "ebc" }'
    status, hdrs, body = post(http, "/v1/convert/color", raw)
    assert status == 400
    assert hdrs["content-type"] == "text/plain; charset=utf-8"
    assert b"JSON" in body and b"Traceback" not in body


def test_seed_convert_recipe(http):
    status, body = post_json(http, "/v1/convert/recipe",
                             {"format": "beerxml", "recipes": [BEERXML], "outputFormat": "json"})
    assert status == 200
    assert body == {"format": "json", "recipes": [{
        "agingDays": 14, "agingTemp": 20, "author": "Anonymous Brewer", "batchSize": 20,
        "boilSize": 10, "bottlingPressure": 0, "bottlingTemp": 0,
        "description": "Recipe description",
        "fermentables": [{"color": 2, "late": False, "name": "Pale extract", "weight": 3.5,
                          "yield": 75}],
        "ibuMethod": "tinseth", "mash": None, "mashEfficiency": 75, "name": "Test",
        "primaryDays": 14, "primaryTemp": 20, "secondaryDays": 0, "secondaryTemp": 0,
        "servingSize": 0.355, "spices": [], "steepEfficiency": 50, "steepTime": 20,
        "style": None, "tertiaryDays": 0, "tertiaryTemp": 0, "yeast": []}]}


def test_convert_recipe_json_to_beerxml(http):
    status, body = post_json(http, "/v1/convert/recipe", {
        "format": "json", "outputFormat": "beerxml",
        "recipes": [{"name": "Fish & Chips", "fermentables": [{"name": "Pale malt", "weight": 4}]}]})
    assert status == 200 and body["format"] == "beerxml"
    assert "Fish &amp; Chips" in body["recipes"][0]


def test_seed_calculate_recipe(http):
    status, body = post_json(http, "/v1/calculate/recipe",
                             {"format": "beerxml", "recipes": [BEERXML], "siUnits": True})
    assert status == 200
    assert body == [{
        "abv": 4.982895960844915, "abw": 3.8872943605883177, "buToGu": 0, "bv": 0,
        "calories": 165.65117039861516, "color": 3.1126033196646703, "fg": 1.0126549326899237,
        "fgPlato": 3.2323394802073437, "grainWeight": 0, "ibu": 0, "og": 1.0506197307596945,
        "ogPlato": 12.534722891468903, "price": 15.400000000000002,
        "realExtract": 4.914210400963434,
        "timeline": [
            [0, "Bring 10.0l to a rolling boil (about 21 minutes)."],
            [21, "Flame out. Begin chilling to 20°C and aerate the cooled wort (about 20 "
                 "minutes)."],
            [41, "Pitch yeast and seal the fermenter. You should see bubbles in the airlock "
                 "within 24 hours."],
            [20201, "Prime and bottle about 56 bottles. Age at 20C for 14 days."],
            [40361, "Relax, don't worry and have a homebrew!"],
        ],
    }]


def test_calculate_json_recipe_from_tapline_tests(http):
    recipe = {"name": "foo", "fermentables": [{"weight": 1}], "spices": [{"aa": 4.5,
                                                                          "weight": 0.0028}]}
    status, body = post_json(http, "/v1/calculate/recipe", {"format": "json", "recipes": [recipe]})
    assert status == 200
    assert all(body[0][key] for key in ("og", "fg", "ibu", "abv"))


@pytest.mark.parametrize(("path", "body", "prop"), [
    ("/v1/convert/color", {"format": "srm", "values": [4], "outputFormat": "foo"}, "outputFormat"),
    ("/v1/convert/color", {"values": [4]}, "format"),
    ("/v1/convert/color", {"format": "srm"}, "values"),
    ("/v1/convert/color", {"format": "srm", "values": ["4"]}, "values.[0]"),
    ("/v1/convert/color", {"format": "srm", "values": [-1]}, "values.[0]"),
    ("/v1/convert/color", {"format": "srm", "values": []}, "values"),
    ("/v1/convert/color", {"format": "srm", "values": list(range(26))}, "values"),
    ("/v1/convert/duration", {"values": []}, "values"),
    ("/v1/convert/duration", {"values": [1], "outputFormat": "foo"}, "outputFormat"),
    ("/v1/convert/duration", {"values": [True]}, "values.[0]"),
    ("/v1/convert/duration", {"values": [1], "approximate": "2"}, "approximate"),
    ("/v1/convert/recipe", {"recipes": [BEERXML]}, "format"),
    ("/v1/convert/recipe", {"format": "beerxml"}, "recipes"),
    ("/v1/convert/recipe", {"format": "beerxml", "recipes": [{}]}, "recipes.[0]"),
    ("/v1/calculate/recipe", {"recipes": [BEERXML]}, "format"),
    ("/v1/calculate/recipe", {"format": "foo", "recipes": [BEERXML]}, "format"),
    ("/v1/calculate/recipe", {"format": "json", "recipes": [{}], "siUnits": "yes"}, "siUnits"),
    ("/v1/calculate/recipe",
     {"format": "json", "recipes": [{"fermentables": [{"name": "Malt", "weight": "lots"}]}]},
     "weight"),
    ("/v1/calculate/recipe",
     {"format": "json", "recipes": [{"ibuMethod": "foo", "spices": [{"weight": 1, "aa": 5}]}]},
     "ibuMethod"),
])
def test_bad_input_is_400_plain_text_naming_the_property(http, path, body, prop):
    status, hdrs, raw = post(http, path, body)
    assert status == 400
    assert hdrs["content-type"] == "text/plain; charset=utf-8"
    assert prop in raw.decode()


@pytest.mark.parametrize(("raw", "headers"), [
    (b'{"format": "srm", "values": [NaN]}', JSON_HEADERS),
    (b'{"format": "srm", "values": [1e999]', JSON_HEADERS),
    (b"[1, 2]", JSON_HEADERS),
    (b"\xff\xfe{}", JSON_HEADERS),
    (b"format=srm&values=4", {"Content-Type": "application/x-www-form-urlencoded"}),
    (b"[" * 100000 + b"]" * 100000, JSON_HEADERS),
])
def test_malformed_bodies_are_400(http, raw, headers):
    status, hdrs, body = post(http, "/v1/convert/color", raw, headers)
    assert status == 400, body
    assert hdrs["content-type"] == "text/plain; charset=utf-8"
    assert b"Traceback" not in body


def test_oversized_body_is_refused(http):
    huge = json.dumps({"format": "json", "recipes": ["x" * (9 * 1024 * 1024 // 2)]}).encode()
    status, hdrs, body = post(http, "/v1/calculate/recipe", huge)
    assert status == 400
    assert hdrs["content-type"] == "text/plain; charset=utf-8"


def test_every_answer_has_request_id_time_and_cors(http):
    for status_expected, method, path in [(200, "POST", "/v1/convert/duration"),
                                          (404, "GET", "/v1/nothing"),
                                          (405, "DELETE", "/v1/convert/duration")]:
        data = json.dumps({"values": [1]}).encode() if method == "POST" else None
        status, hdrs, _ = http.request(method, path, data, JSON_HEADERS)
        hdrs = {k.lower(): v for k, v in hdrs.items()}
        assert status == status_expected
        assert len(hdrs["x-request-id"]) == 8
        assert hdrs["x-response-time"].endswith("ms")
        assert hdrs["access-control-allow-origin"] == "*"


def test_unknown_path_is_plain_text_404(http):
    status, hdrs, body = http.request("GET", "/v1/whatever")
    assert status == 404
    assert {k.lower(): v for k, v in hdrs.items()}["content-type"].startswith("text/plain")


def test_options_preflight(http):
    status, _, body = http.request("OPTIONS", "/v1/recipes")
    assert (status, body) == (200, b"OK")
