-- Describes a stream without changing it.
--
-- KEYS[1] meta, KEYS[2] log
-- Returns {} when the stream has no lifetime, else {epoch, head sequence,
-- sequence of the final event or 0, 1 when the ended lifetime was deleted else
-- 0, events retained}

local meta, log = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  return {}
end
local deleted = 0
if redis.call('HGET', meta, 'deleted') == '1' then
  deleted = 1
end
return {epoch, tonumber(redis.call('HGET', meta, 'seq')), tonumber(redis.call('HGET', meta, 'end') or '0'),
  deleted, redis.call('XLEN', log)}
