-- wrk's end of run as one JSON line: requests a second, latency p50/p99 in ms, errors, and
-- whatever `extra` fields a script adds (`"name": value` pairs, comma-separated).
function report_line(summary, latency, extra)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  return string.format(
    '{"requests": %d, "seconds": %.1f, "requests_per_second": %.0f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d%s}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors,
    extra and (", " .. extra) or "")
end

done = function(summary, latency, requests)
  io.write(report_line(summary, latency, nil))
end
