-- Shared by every script of the Redis replay store: each script is this text
-- followed by its own, so that the whole of it runs atomically.
--
-- A stream's history is two keys in one hash slot:
--   <prefix>{<stream>}:meta  hash: epoch (base 36), seq (last sequence assigned),
--                            aged (last sequence removed for its age), server
--                            (the server process the lifetime began on, or ''),
--                            and once the stream has ended: end (the sequence of
--                            its final event) and, when its history was removed,
--                            deleted ('1')
--   <prefix>{<stream>}:log   stream: entries <seq>-0 with fields t (append time in
--                            milliseconds) then f (the event's whole frame), and
--                            e ('1') for the final event
-- and, for each idempotency key used within the time to live, one more key in
-- the same slot:
--   <prefix>{<stream>}:key:<idempotency key>  string: <epoch>-<sequence>
-- Live messages are the append time in milliseconds, 'e' for a final event, a
-- line feed and the frame.
-- Numbers that can exceed 2^53 (the epoch) are only ever handled as text.
-- Live messages go out with PUBLISH (classic pub/sub) or SPUBLISH (sharded, on
-- the node that holds the stream's slot only), as every instance is set to.

-- A lifetime that has had no event yet (a reader started it) is kept only this
-- long after a read started it: reading a stream that does not exist
-- leaves no lasting key behind, while an instance with subscribers touches it,
-- which keeps it longer (see touch.lua), and so keeps its epoch.
local UNUSED_LIFETIME_MILLIS = 10000

local function unused_ttl(ttl)
  return math.min(ttl, UNUSED_LIFETIME_MILLIS)
end

local function now_millis()
  -- The server's clock, so that every application instance dates events alike.
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function int(number)
  -- Lua formats large numbers with an exponent; Redis ids need plain digits.
  return string.format('%d', number)
end

-- Returns the id of the Redis server process, which changes when the server
-- restarts and when another server takes over after a failover.
local function server_id()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
end

-- Returns the epoch of the stream's current lifetime, starting a new lifetime
-- with the caller's epoch when the meta key is gone (never created, expired,
-- flushed or evicted), or, when check_server is '1', when the lifetime began on
-- another server process: a Redis that restarted or failed over may have lost
-- writes it had acknowledged, and their sequence numbers must not be given to
-- other events in the same epoch. Entries left from an earlier lifetime are
-- dropped: they can neither be served under the new epoch nor continued.
local function lifetime(meta, log, new_epoch, ttl, check_server)
  local epoch = redis.call('HGET', meta, 'epoch')
  local server = ''
  if check_server == '1' then
    server = server_id()
  end
  if epoch and (check_server ~= '1' or redis.call('HGET', meta, 'server') == server) then
    return epoch
  end
  redis.call('DEL', log, meta)
  redis.call('HSET', meta, 'epoch', new_epoch, 'seq', 0, 'aged', 0, 'server', server)
  redis.call('PEXPIRE', meta, ttl)
  return new_epoch
end

-- Decides where an append goes, once its lifetime is known: returns the epoch
-- to append in, and, when the stream has ended, the sequence of its final event
-- (then nothing may be appended). A deleted lifetime is over: the stream starts
-- again in a new lifetime, with the caller's new epoch.
local function appendable(meta, log, epoch, new_epoch, ttl, check_server)
  local ended = redis.call('HGET', meta, 'end')
  if not ended then
    return epoch, nil
  end
  if redis.call('HGET', meta, 'deleted') ~= '1' then
    return epoch, tonumber(ended)
  end
  redis.call('DEL', log, meta)
  return lifetime(meta, log, new_epoch, ttl, check_server), nil
end

-- Publishes a live message on a stream's channel, with 'PUBLISH' or 'SPUBLISH'
-- as the caller says; an empty channel publishes nothing.
local function publish_live(command, channel, message)
  if channel == '' then
    return
  end
  if command ~= 'PUBLISH' and command ~= 'SPUBLISH' then
    error('unknown publish command: ' .. tostring(command))
  end
  redis.call(command, channel, message)
end

-- Removes the oldest entries that have outlived the time to live, and records
-- the last sequence removed that way, which tells "expired" from "evicted".
-- Entries are in append order, so the aged ones are a prefix of the log.
-- Returns the number of entries removed.
local function trim_aged(meta, log, ttl, now)
  local cutoff = now - ttl
  local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
  if #oldest == 0 or tonumber(oldest[1][2][2]) > cutoff then
    return 0
  end
  local batch_size = 128
  local through
  local removed = 0
  local start = '-'
  while true do
    local batch = redis.call('XRANGE', log, start, '+', 'COUNT', batch_size)
    local done = #batch < batch_size
    for _, entry in ipairs(batch) do
      if tonumber(entry[2][2]) > cutoff then
        done = true
        break
      end
      through = entry[1]
      removed = removed + 1
    end
    if done then
      break
    end
    start = '(' .. through
  end
  local sequence = tonumber(string.sub(through, 1, -3))
  redis.call('XTRIM', log, 'MINID', int(sequence + 1) .. '-0')
  redis.call('HSET', meta, 'aged', int(sequence))
  return removed
end

