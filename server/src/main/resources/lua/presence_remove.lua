-- Removes members from a channel's presence, atomically, in one round trip.
--
-- KEYS[1]  members hash, KEYS[2]  expiry zset (as in presence_add.lua)
-- ARGV     client ids (at most a few hundred per call: they are unpacked onto Lua's stack)
-- Unknown client ids are ignored. Returns the number of members removed.

local removed = redis.call('HDEL', KEYS[1], unpack(ARGV))
redis.call('ZREM', KEYS[2], unpack(ARGV))
return removed
