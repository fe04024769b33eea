-- Adds (or refreshes) members of a channel's presence, atomically, in one round trip.
--
-- KEYS[1]  members hash   {prefix}:presence:{channel}         field = client id, value = ClientInfoCodec bytes
-- KEYS[2]  expiry zset    {prefix}:presence-expiry:{channel}  member = client id, score = expires-at (ms, Redis clock)
-- ARGV[1]  TTL in ms (> 0)
-- ARGV[2], ARGV[3], ...  client id, info: one pair per member
-- Every given member expires TTL from now unless added again; both keys live TTL after the last call,
-- so a channel whose nodes all died disappears with its last member. Time is Redis' own (TIME), so
-- nodes with skewed clocks agree on what has expired. Returns the number of members given.

local now = redis.call('TIME')
local expires = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], expires, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return (#ARGV - 1) / 2
