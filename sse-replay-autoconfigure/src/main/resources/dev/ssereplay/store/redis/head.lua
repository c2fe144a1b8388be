-- Returns the head of a stream, starting a lifetime when it has none; one that
-- no event follows expires after a few seconds without a reader.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] time to live in
-- milliseconds, ARGV[3] '1' to start a new lifetime when the server process changed
-- Returns {epoch, head sequence, sequence of the final event or 0, 1 when the
-- ended lifetime was deleted else 0}

local meta, log = KEYS[1], KEYS[2]
local epoch = lifetime(meta, log, ARGV[1], unused_ttl(tonumber(ARGV[2])), ARGV[3])
local ended = redis.call('HGET', meta, 'end')
local deleted = 0
if redis.call('HGET', meta, 'deleted') == '1' then
  deleted = 1
end
return {epoch, tonumber(redis.call('HGET', meta, 'seq')), tonumber(ended or '0'), deleted}
