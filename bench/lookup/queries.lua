-- wrk script of the lookup benchmark: replays the query mix of queries.txt
-- (one query string a line; see server/seed.go) as GET /api/v1/filings?…,
-- each thread from its own offset, as pre-formatted requests so that Lua
-- costs the client as little as possible. nginx gets the same requests.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local reqs = {}
local n = 0
local i = 0

function init(args)
  local path = os.getenv("LOOKUP_BENCH_QUERIES") or "queries.txt"
  for q in io.lines(path) do
    n = n + 1
    reqs[n] = wrk.format("GET", "/api/v1/filings?" .. q)
  end
  if n == 0 then
    error("no queries in " .. path)
  end
  i = ((id or 0) * 7919) % n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
