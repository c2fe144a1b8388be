-- Appends several events to one stream in one call, with the outcome of
-- append.lua appending each of them in turn: consecutive sequence numbers in
-- the order given, one append time for all of them, the history trimmed by
-- count and by age, the keys kept alive for the time to live, and one live
-- message per event, in order, all atomically, so that the order of the live
-- messages is the order of the history. Used for appends sent without waiting
-- that queued up behind others of the same stream; events with an idempotency
-- key and final events go through append.lua alone.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] most events kept,
-- ARGV[3] time to live in milliseconds, ARGV[4] channel to publish on, or ''
-- for none, ARGV[5] '1' to start a new lifetime when the server process
-- changed, ARGV[6] 'PUBLISH' or 'SPUBLISH', and ARGV[7] onwards the events'
-- formatted bodies (event and data lines), in order
-- Returns {epoch, sequence of the first event, time, evicted by count, removed
-- for age, 0}: the other events have the sequences that follow, in order; or
-- {epoch, sequence of the final event, 0, 0, 0, 1} when the stream has ended:
-- then none is stored, as append.lua stores none of them one by one

local FIRST_BODY = 7
local meta, log = KEYS[1], KEYS[2]
local max_events, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local epoch = lifetime(meta, log, ARGV[1], ttl, ARGV[5])
local ended
epoch, ended = appendable(meta, log, epoch, ARGV[1], ttl, ARGV[5])
if ended then
  return {epoch, ended, 0, 0, 0, 1}
end
local first = tonumber(redis.call('HGET', meta, 'seq')) + 1
local now = now_millis()
local time = int(now)
local frames = {}
-- The entries go in first, and in order: only the first can be refused (its
-- id not above the log's last, or the log not a stream), and then nothing has
-- changed; the others' ids follow an id Redis just took.
for i = FIRST_BODY, #ARGV do
  local sequence = int(first + i - FIRST_BODY)
  -- The same bytes as SseFormat.frame(id, body): the id line, the body, a blank line.
  local frame = 'id: ' .. epoch .. '-' .. sequence .. '\n' .. ARGV[i] .. '\n'
  redis.call('XADD', log, sequence .. '-0', 't', time, 'f', frame)
  frames[#frames + 1] = frame
end
redis.call('HSET', meta, 'seq', int(first + #frames - 1))
-- Trimmed once for the whole batch: the same entries go, and as many, as when
-- each append trims after its own entry.
local evicted = redis.call('XTRIM', log, 'MAXLEN', max_events)
local aged = trim_aged(meta, log, ttl, now)
redis.call('PEXPIRE', meta, ttl)
redis.call('PEXPIRE', log, ttl)
for _, frame in ipairs(frames) do
  publish_live(ARGV[6], ARGV[4], time .. '\n' .. frame)
end
return {epoch, first, now, evicted, aged, 0}
