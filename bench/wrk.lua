-- wrk script of `make bench`: each request takes a URL from the file named by BENCH_URLS
-- (one path a line): at random (the default), or with BENCH_MODE=seq each URL once, in
-- order, shared out between the threads (a thread takes every n-th URL), so that a "cold"
-- run never asks for the same URL twice: a thread stops once it has asked for its share.
-- BENCH_COOKIE, when set, is sent as the Cookie header (a staff session).
-- done() prints one JSON line with the figures.
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  if #line > 0 then urls[#urls + 1] = line end
end
local threads = 0
local mode = os.getenv("BENCH_MODE") or "random"
local cookie = os.getenv("BENCH_COOKIE")

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
  thread:set("thread_count", 0)
end

init = function(args)
  -- Each thread its own sequence, the same on every run.
  math.randomseed(1000 + thread_number)
  step = 0
  headers = {}
  if cookie and #cookie > 0 then headers["Cookie"] = cookie end
end

request = function()
  local index
  if mode == "seq" then
    -- Thread k of n takes URLs k, k + n, k + 2n, ... (n = 2 threads: -t2).
    index = ((thread_number - 1) + step * 2) % #urls + 1
    step = step + 1
    -- Out of distinct URLs: this thread stops (its connections' last requests may repeat
    -- a few URLs; bench.py flags a run that asked for many more than it had).
    if step * 2 >= #urls then wrk.thread:stop() end
  else
    index = math.random(#urls)
  end
  return wrk.format("GET", urls[index], headers)
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
