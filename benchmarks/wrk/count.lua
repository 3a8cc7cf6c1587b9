-- Shared by the POST/upload scripts: count 200 answers per thread, print the sum when wrk ends,
-- so the load script can compare what was acknowledged with what was stored.
local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function response(status, headers, body)
   if status == 200 then
      acknowledged = (acknowledged or 0) + 1
   end
end

function done(summary, latency, requests)
   local total = 0
   for _, thread in ipairs(threads) do
      total = total + (thread:get("acknowledged") or 0)
   end
   io.write(string.format("acknowledged: %d\n", total))
end
