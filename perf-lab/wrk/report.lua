-- perf-lab: at the end of a wrk run, print its totals and latency percentiles as one JSON line
-- (prefixed PERFLAB_JSON) after wrk's usual report. Latencies are in microseconds.
local points = {
  1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.99,
}

done = function(summary, latency, requests)
  local e = summary.errors
  local out = {}
  for _, p in ipairs(points) do
    out[#out + 1] = string.format('[%g,%d]', p, latency:percentile(p))
  end
  io.write(string.format(
    'PERFLAB_JSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"max":%d,"mean":%.3f,"stdev":%.3f,"percentiles":[%s]}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(out, ',')))
end
