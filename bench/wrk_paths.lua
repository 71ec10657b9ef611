-- wrk script for bench/api.py: cycles through the paths of the file named by WRK_PATHS,
-- in order, for wrk's whole -d, and at the end prints one JSON line: the totals and the
-- whole latency histogram as [microseconds, count] pairs, so that bench/api.py can merge
-- rounds and take exact percentiles. (wrk corrects that histogram for coordinated
-- omission before done() sees it, so its tail is if anything pessimistic.)
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local sent = 0

function request()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) % #paths + 1])
end

function done(summary, latency, requests)
  local buckets = {}
  for i = 1, #latency do
    local value, count = latency(i)
    buckets[#buckets + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,"latency":[%s]}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    table.concat(buckets, ",")))
end
