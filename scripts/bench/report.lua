-- Prints wrk's summary as one JSON line, for the benchmark to read instead of wrk's text. A script that counts
-- redirects per thread (post.lua) lists its threads in `counted_threads`.
done = function(summary, latency, requests)
  local redirects = -1
  if counted_threads then
    redirects = 0
    for _, thread in ipairs(counted_threads) do redirects = redirects + thread:get("redirects") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "redirects": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), redirects,
    e.connect, e.read, e.write, e.status, e.timeout))
end
