-- Appends one event: assigns the stream's next sequence number, stores the
-- whole frame, trims the history by count and by age, keeps the keys alive for
-- the time to live and publishes the frame, all atomically, so that the order
-- of the live messages is the order of the history.
--
-- KEYS[1] meta, KEYS[2] log, and KEYS[3] the idempotency key's key when the
-- append has one
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] the event's formatted
-- body (event and data lines), ARGV[3] most events kept, ARGV[4] time to live
-- in milliseconds, ARGV[5] channel to publish on, or '' for none, ARGV[6] '1'
-- to start a new lifetime when the server process changed, ARGV[7] '1' when the
-- event is the stream's final one, ARGV[8] how long to keep an ended stream in
-- milliseconds, at most the time to live, ARGV[9] 'PUBLISH' or 'SPUBLISH'
-- Returns {epoch, sequence, time, evicted by count, removed for age, 0}, or
-- {epoch, sequence of the final event, 0, 0, 0, 1} when the stream has ended,
-- or {epoch, sequence, 0, 0, 0, 2} when an append of this lifetime already used
-- the idempotency key: then nothing is stored
--
-- An idempotency key's key holds '<epoch>-<sequence>' of the append that used
-- it, for the time to live; a value of another epoch is of an earlier lifetime,
-- and forgotten.

local meta, log = KEYS[1], KEYS[2]
local max_events, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local epoch = lifetime(meta, log, ARGV[1], ttl, ARGV[6])
local key = KEYS[3]
if key then
  local used = redis.call('GET', key)
  if used then
    local used_epoch, used_sequence = string.match(used, '^(%w+)-(%d+)$')
    -- Even when the stream has ended or was deleted since: that append happened.
    if used_epoch == epoch then
      return {epoch, tonumber(used_sequence), 0, 0, 0, 2}
    end
  end
end
local ended
epoch, ended = appendable(meta, log, epoch, ARGV[1], ttl, ARGV[6])
if ended then
  return {epoch, ended, 0, 0, 0, 1}
end
local ends = ARGV[7] == '1'
local sequence = tonumber(redis.call('HGET', meta, 'seq')) + 1
local now = now_millis()
-- The same bytes as SseFormat.frame(id, body): the id line, the body, a blank line.
local frame = 'id: ' .. epoch .. '-' .. int(sequence) .. '\n' .. ARGV[2] .. '\n'
-- The entry goes in first: if it fails, nothing has changed.
local mark = ''
local keep = ttl
if ends then
  redis.call('XADD', log, int(sequence) .. '-0', 't', int(now), 'f', frame, 'e', '1')
  redis.call('HSET', meta, 'seq', int(sequence), 'end', int(sequence))
  keep = math.min(ttl, tonumber(ARGV[8]))
  mark = 'e'
else
  redis.call('XADD', log, int(sequence) .. '-0', 't', int(now), 'f', frame)
  redis.call('HSET', meta, 'seq', int(sequence))
end
if key then
  redis.call('SET', key, epoch .. '-' .. int(sequence), 'PX', ttl)
end
local evicted = redis.call('XTRIM', log, 'MAXLEN', max_events)
local aged = trim_aged(meta, log, ttl, now)
redis.call('PEXPIRE', meta, keep)
redis.call('PEXPIRE', log, keep)
publish_live(ARGV[9], ARGV[5], int(now) .. mark .. '\n' .. frame)
return {epoch, sequence, now, evicted, aged, 0}
