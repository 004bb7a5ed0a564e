-- wrk script: POST one prepared body (a bridge produce request) over and over.
--   wrk -s produce.lua <url> -- <body file> <content type>
-- Prints one line "RESULT {json}" with the counts and latency percentiles (µs) at the end.

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = args[2]
  wrk.headers["Host"] = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  req = wrk.format("POST")
end

function request()
  return req
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"non2xx":%d,"socketErrors":%d,"durationMicros":%d,' ..
      '"p50Micros":%d,"p90Micros":%d,"p99Micros":%d,"maxMicros":%d}\n',
      summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max))
end
