-- GET /api_v1/data_upload: each wrk thread is its own device ($KEGDASH_DEVICE_PREFIX-<n>) and
-- counts its timestamps up from $KEGDASH_TS_BASE, so every request is a new reading.
dofile(os.getenv("KEGDASH_WRK_DIR") .. "/count.lua")

local key = os.getenv("KEGDASH_LICENSE_KEY")
local prefix = os.getenv("KEGDASH_DEVICE_PREFIX")
local base = tonumber(os.getenv("KEGDASH_TS_BASE"))
local n = 0

function request()
   n = n + 1
   local path = string.format(
      "/api_v1/data_upload?license_key=%s&device_id=%s-%d&timestamp=%d&temperature=93.5&humidity=61",
      key, prefix, id, base + n)
   return wrk.format("GET", path)
end
