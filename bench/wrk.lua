-- wrk script of `make bench`: each request takes a URL at random from the file named by
-- BENCH_URLS (one path a line); done() prints one JSON line with the figures.
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  if #line > 0 then urls[#urls + 1] = line end
end
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

init = function(args)
  -- Each thread its own sequence, the same on every run.
  math.randomseed(1000 + thread_number)
end

request = function()
  return wrk.format("GET", urls[math.random(#urls)])
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
