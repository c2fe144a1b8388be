-- Keeps a stream that has subscribers alive while it is idle, so that it keeps
-- its epoch, and removes its aged entries. A stream with no lifetime is left
-- alone: the next append or read starts one; one that has ended keeps the
-- expiry its end gave it. One that has had no event yet is kept for ARGV[2],
-- which is longer than a read keeps it, so that it need not be touched every
-- few seconds, and short, so that it does not outlive its subscribers long.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] time to live in milliseconds, ARGV[2] how long to keep a lifetime that
-- has had no event, in milliseconds, at most the time to live
-- Returns {} for no lifetime, else {epoch, head sequence, removed for age}

local meta, log = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  return {}
end
local ttl = tonumber(ARGV[1])
local aged = trim_aged(meta, log, ttl, now_millis())
local head = tonumber(redis.call('HGET', meta, 'seq'))
if not redis.call('HGET', meta, 'end') then
  local keep = ttl
  if head == 0 then
    keep = tonumber(ARGV[2])
  end
  redis.call('PEXPIRE', meta, keep)
  redis.call('PEXPIRE', log, keep)
end
return {epoch, head, aged}
