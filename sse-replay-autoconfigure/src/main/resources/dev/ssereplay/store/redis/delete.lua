-- Removes a stream's history and ends its lifetime: publishes a final event with
-- the next sequence number, not stored, and keeps the meta key, marked deleted,
-- for the time to live, so that readers with ids of the lifetime are told it
-- ended. A stream with no lifetime, or already deleted, is left as it is; one
-- that had ended loses its history without a second final event.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] the final event's formatted body, ARGV[2] time to live in
-- milliseconds, ARGV[3] channel to publish on, or '' for none, ARGV[4] 'PUBLISH'
-- or 'SPUBLISH'
-- Returns {} when nothing was ended, {epoch} when the stream had ended already,
-- else {epoch, sequence of the final event, time}

local meta, log = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch or redis.call('HGET', meta, 'deleted') == '1' then
  return {}
end
redis.call('DEL', log)
redis.call('HSET', meta, 'deleted', '1')
redis.call('PEXPIRE', meta, tonumber(ARGV[2]))
if redis.call('HGET', meta, 'end') then
  return {epoch}
end
local sequence = tonumber(redis.call('HGET', meta, 'seq')) + 1
local now = now_millis()
local frame = 'id: ' .. epoch .. '-' .. int(sequence) .. '\n' .. ARGV[1] .. '\n'
redis.call('HSET', meta, 'seq', int(sequence), 'end', int(sequence))
publish_live(ARGV[4], ARGV[3], int(now) .. 'e\n' .. frame)
return {epoch, sequence, now}
