-- wrk script of the gate benchmark: replays the request mix of requests.txt
-- (one Host per line; see gen/main.go), each thread from its own offset,
-- as pre-formatted requests so that Lua costs the client as little as possible.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local reqs = {}
local n = 0
local i = 0

function init(args)
  local path = os.getenv("GATE_BENCH_REQUESTS") or "requests.txt"
  for host in io.lines(path) do
    n = n + 1
    reqs[n] = wrk.format("GET", "/", { ["Host"] = host })
  end
  if n == 0 then
    error("no hosts in " .. path)
  end
  i = ((id or 0) * 7919) % n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
