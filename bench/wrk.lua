-- bench/run.sh's wrk script. With BENCH_REQUEST_BODY=N in the environment every request is a
-- POST with an N-byte body (bench/backend reads it to its end behind every proxy alike). At the
-- end it prints the 99.9th latency percentile, which `wrk --latency` does not, as
-- "Latency p99.9: <µs>us" for bench/summarize.
local size = tonumber(os.getenv("BENCH_REQUEST_BODY") or "")
if size and size > 0 then
  wrk.method = "POST"
  wrk.body = string.rep("a", size)
  wrk.headers["Content-Type"] = "application/octet-stream"
end

function done(summary, latency, requests)
  io.write(string.format("Latency p99.9: %.2fus\n", latency:percentile(99.9)))
end
