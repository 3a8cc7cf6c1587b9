-- POST /v1/calculate/recipe: a small pale ale, JSON in and out.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"format": "json", "recipes": [{"name": "Pale Ale", "batchSize": 20, "boilSize": 10,
 "fermentables": [{"name": "Pale malt", "weight": 4.5, "yield": 75, "color": 3}],
 "spices": [{"name": "Cascade", "weight": 0.028, "aa": 4.5, "time": 60, "use": "boil", "form": "pellet"}],
 "yeast": [{"name": "US-05", "type": "ale", "form": "dry", "attenuation": 78}]}]}]]
