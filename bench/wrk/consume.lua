-- wrk script: each thread (one connection) polls its own bridge consumer instance.
--   wrk -t N -c N -s consume.lua <base url> -- <accept type> <instance path 1> ... <instance path N>
-- Counts the records of every 200 response; prints "RESULT {json}" at the end.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  records = 0
  wrk.headers["Accept"] = args[1]
  wrk.headers["Host"] = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  req = wrk.format("GET", args[1 + id] .. "/records?timeout=1000&max_bytes=10000000")
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 then
    local _, n = string.gsub(body, '"offset":', "")
    records = records + n
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("records")
  end
  io.write(string.format('RESULT {"requests":%d,"non2xx":%d,"records":%d,"durationMicros":%d,"p50Micros":%d,"p99Micros":%d}\n',
      summary.requests, summary.errors.status, total, summary.duration, latency:percentile(50), latency:percentile(99)))
end
