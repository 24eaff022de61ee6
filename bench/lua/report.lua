-- Counts the answers that are not 2xx (wrk itself counts only 4xx and 5xx), and ends with one
-- line of JSON the harness reads: requests, errors and the latency percentiles in microseconds.
-- With BENCH_POST_PATH set, every request is a POST of a new article with a title of its own;
-- with BENCH_PATHS ("/a|/b|..."), the requests go round those paths (the memory check's mix).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  statuses = {}
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

local post_path = os.getenv("BENCH_POST_PATH")
if post_path then
  local run = os.getenv("BENCH_RUN") or tostring(os.time())
  local body_text = os.getenv("BENCH_POST_BODY") or "A post written by the benchmark."
  local headers = {["Content-Type"] = "application/json"}
  for name, value in pairs(wrk.headers) do  -- wrk.format takes these or the given ones
    headers[name] = value
  end
  request = function()
    counter = counter + 1
    local title = string.format("Bench %s %d %d", run, id, counter)
    local body = string.format(
      '{"article":{"title":"%s","description":"Written by the benchmark.","body":"%s","tagList":["bench","python"]}}',
      title, body_text)
    return wrk.format("POST", post_path, headers, body)
  end
end

local paths = os.getenv("BENCH_PATHS")
if paths and not post_path then
  local list = {}
  for path in string.gmatch(paths, "[^|]+") do
    table.insert(list, wrk.format("GET", path))
  end
  request = function()
    counter = counter + 1
    return list[(counter + id) % #list + 1]
  end
end

function done(summary, latency, requests)
  local non_2xx = 0
  local seen = {}
  for _, thread in ipairs(threads) do
    non_2xx = non_2xx + thread:get("bad")
    for status, n in pairs(thread:get("statuses")) do
      table.insert(seen, string.format('"%d":%d', status, n))
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non_2xx":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes, non_2xx, table.concat(seen, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
