-- POST /api/taps/<id>: one 10-tick drink per request, with the staff key from $KEGDASH_API_KEY.
dofile(os.getenv("KEGDASH_WRK_DIR") .. "/count.lua")

wrk.method = "POST"
wrk.body = "ticks=10"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Kegbot-Api-Key"] = os.getenv("KEGDASH_API_KEY")
