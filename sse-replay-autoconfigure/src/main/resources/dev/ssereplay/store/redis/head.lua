-- Returns the head of a stream, starting a lifetime when it has none; one that
-- no event follows expires after a few seconds without a reader.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] time to live in
-- milliseconds, ARGV[3] '1' to start a new lifetime when the server process changed
-- Returns {epoch, head sequence}

local meta, log = KEYS[1], KEYS[2]
local epoch = lifetime(meta, log, ARGV[1], unused_ttl(tonumber(ARGV[2])), ARGV[3])
return {epoch, tonumber(redis.call('HGET', meta, 'seq'))}
