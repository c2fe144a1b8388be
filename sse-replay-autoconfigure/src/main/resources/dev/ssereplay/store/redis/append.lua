-- Appends one event: assigns the stream's next sequence number, stores the
-- whole frame, trims the history by count and by age, keeps the keys alive for
-- the time to live and publishes the frame, all atomically, so that the order
-- of the live messages is the order of the history.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] the event's formatted
-- body (event and data lines), ARGV[3] most events kept, ARGV[4] time to live
-- in milliseconds, ARGV[5] channel to publish on, or '' for none, ARGV[6] '1'
-- to start a new lifetime when the server process changed
-- Returns {epoch, sequence, time, evicted by count, removed for age}

local meta, log = KEYS[1], KEYS[2]
local max_events, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local epoch = lifetime(meta, log, ARGV[1], ttl, ARGV[6])
local sequence = tonumber(redis.call('HGET', meta, 'seq')) + 1
local now = now_millis()
-- The same bytes as SseFormat.frame(id, body): the id line, the body, a blank line.
local frame = 'id: ' .. epoch .. '-' .. int(sequence) .. '\n' .. ARGV[2] .. '\n'
-- The entry goes in first: if it fails, nothing has changed.
redis.call('XADD', log, int(sequence) .. '-0', 't', int(now), 'f', frame)
redis.call('HSET', meta, 'seq', int(sequence))
local evicted = redis.call('XTRIM', log, 'MAXLEN', max_events)
local aged = trim_aged(meta, log, ttl, now)
redis.call('PEXPIRE', meta, ttl)
redis.call('PEXPIRE', log, ttl)
if ARGV[5] ~= '' then
  redis.call('PUBLISH', ARGV[5], int(now) .. '\n' .. frame)
end
return {epoch, sequence, now, evicted, aged}
