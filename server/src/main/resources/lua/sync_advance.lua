-- Moves a user's acknowledged position in a channel forward, atomically, in one round trip.
--
-- KEYS[1]  position hash {prefix}:sync:{channel}:<user>   fields: e = epoch, o = offset
-- ARGV[1]  offset (decimal, no sign, no leading zeros)
-- ARGV[2]  epoch
-- ARGV[3]  TTL in ms; <= 0: no expiry
-- Same epoch as stored: the offset becomes max(stored, given). Another epoch, or nothing stored:
-- replaced by the given position. The TTL is reset by every call, even one that keeps the offset.
-- Returns the stored offset.
--
-- Offsets are compared as decimal strings (longer is greater, else lexicographic): Lua numbers are
-- doubles and would lose exactness above 2^53, and tostring() would write them back as "1e+15".

local function greater(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end

local stored = redis.call('HMGET', KEYS[1], 'e', 'o')
local offset = ARGV[1]
if stored[1] == ARGV[2] and stored[2] and greater(stored[2], offset) then
  offset = stored[2]
end

redis.call('HSET', KEYS[1], 'e', ARGV[2], 'o', offset)
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
else
  redis.call('PERSIST', KEYS[1])
end
return offset
