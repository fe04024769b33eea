-- Reads a channel's presence, first dropping every member whose TTL ran out (a member of a node that
-- died, or stopped refreshing), so no answer ever contains one.
--
-- KEYS[1]  members hash, KEYS[2]  expiry zset (as in presence_add.lua)
-- Returns HGETALL of the members hash: client id, info, client id, info, ...

local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs)
if #expired > 0 then
  -- In chunks: unpack() puts its values on Lua's stack, which holds a few thousand at most.
  for i = 1, #expired, 500 do
    redis.call('HDEL', KEYS[1], unpack(expired, i, math.min(i + 499, #expired)))
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)
end
return redis.call('HGETALL', KEYS[1])
