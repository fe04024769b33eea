-- Appends one publication to a channel stream, atomically, in one round trip.
--
-- KEYS[1]  meta hash   {prefix}:meta:{channel}   fields: e = epoch, s = top offset
-- KEYS[2]  publications stream {prefix}:pubs:{channel}   entry id "<offset>-0", field d = payload
-- KEYS[3]  optional idempotency key {prefix}:idem:{channel}:{key}   value "<offset> <epoch>"
-- ARGV[1]  payload (PublicationCodec bytes, binary safe)
-- ARGV[2]  history size (exact MAXLEN)
-- ARGV[3]  publications TTL in ms
-- ARGV[4]  meta TTL in ms (>= publications TTL)
-- ARGV[5]  candidate epoch, used only when the stream has no meta yet
-- ARGV[6]  idempotency window in ms
-- Returns {offset, epoch, duplicate 0|1}.
--
-- Why a Redis Stream: the entry id carries the offset, so reads by position are a direct
-- XRANGE/XREVRANGE from since+1 (O(log n + limit)) and cannot drift from the meta the way list
-- indexes could; XADD MAXLEN without "~" trims exactly to the history size.
-- Why the epoch comes from the caller: Lua's math.random is seeded identically on every call in
-- Redis < 7, so a script-made epoch would repeat; the caller draws it from SecureRandom.

local meta_epoch = redis.call('HGET', KEYS[1], 'e')

if KEYS[3] then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    local sp = string.find(seen, ' ', 1, true)
    local seen_epoch = string.sub(seen, sp + 1)
    -- A key remembered from a stream that has since been lost does not make this append a repeat.
    if seen_epoch == meta_epoch then
      return {tonumber(string.sub(seen, 1, sp - 1)), seen_epoch, 1}
    end
  end
end

local epoch = meta_epoch
if not epoch then
  epoch = ARGV[5]
  -- Publications left over from a lost position must never join the new epoch.
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
end

local top = redis.call('HINCRBY', KEYS[1], 's', 1)
local id = string.format('%d-0', top)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id, 'd', ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])

if KEYS[3] then
  redis.call('SET', KEYS[3], string.format('%d', top) .. ' ' .. epoch, 'PX', ARGV[6])
end

return {top, epoch, 0}
