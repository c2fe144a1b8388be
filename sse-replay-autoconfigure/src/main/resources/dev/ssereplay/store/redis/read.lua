-- Reads the events after a reader's position, or tells why it cannot.
--
-- KEYS[1] meta, KEYS[2] log
-- ARGV[1] epoch for a new lifetime (base 36), ARGV[2] the reader's epoch
-- (base 36), ARGV[3] the reader's sequence, ARGV[4] most events to return,
-- ARGV[5] time to live in milliseconds, ARGV[6] '1' to start a new lifetime
-- when the server process changed
-- Returns {status, epoch, head sequence, removed for age, entries}, where status
-- is 0 for events, 1 another epoch, 2 ahead of the head, 3 evicted, 4 expired,
-- 5 the reader's lifetime was deleted.

local meta, log = KEYS[1], KEYS[2]
local ttl = tonumber(ARGV[5])
local epoch = lifetime(meta, log, ARGV[1], unused_ttl(ttl), ARGV[6])
local head = tonumber(redis.call('HGET', meta, 'seq'))
if epoch == ARGV[2] and redis.call('HGET', meta, 'deleted') == '1' then
  return {5, epoch, head, 0, {}}
end
if epoch ~= ARGV[2] then
  return {1, epoch, head, 0, {}}
end
local after = tonumber(ARGV[3])
if after > head then
  return {2, epoch, head, 0, {}}
end
local aged = trim_aged(meta, log, ttl, now_millis())
if after == head then
  return {0, epoch, head, aged, {}}
end
local entries = redis.call('XRANGE', log, '(' .. ARGV[3] .. '-0', '+', 'COUNT', ARGV[4])
-- Anything but the very next event first means the history no longer reaches
-- back to the reader: never serve a partial history as complete.
if #entries == 0 or entries[1][1] ~= int(after + 1) .. '-0' then
  if after + 1 <= tonumber(redis.call('HGET', meta, 'aged')) then
    return {4, epoch, head, aged, {}}
  end
  return {3, epoch, head, aged, {}}
end
return {0, epoch, head, aged, entries}
