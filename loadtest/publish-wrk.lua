-- wrk script for loadtest/publish-wrk.sh: POST /api/publish, the request PublishBench sends (a 64-byte filler by
-- default), on keep-alive connections with one request in flight each. A reply that is not 200 or carries an
-- "error" counts as failed; done() prints the count, which the script requires to be 0.
wrk.method = "POST"
wrk.path = os.getenv("API_PATH") or "/api/publish"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("API_KEY") or "bench-key"
local channel = os.getenv("CHANNEL") or "chat:pub"
local filler = string.rep("x", tonumber(os.getenv("PAYLOAD_BYTES") or "64"))
wrk.body = '{"channel":"' .. channel .. '","data":{"seq":0,"p":"' .. filler .. '"}}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failed = 0
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"error"', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do
    f = f + t:get("failed")
  end
  io.write(string.format("requests %d failed %d socket_errors %d p50_us %d p99_us %d\n", summary.requests, f,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
