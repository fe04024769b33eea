-- Reads a channel stream's top position and a range of its publications atomically, in one round trip.
--
-- KEYS[1]  meta hash   {prefix}:meta:{channel}   fields: e = epoch, s = top offset
-- KEYS[2]  publications stream {prefix}:pubs:{channel}   entry id "<offset>-0", field d = payload
-- ARGV[1]  candidate epoch, stored only when the stream has no meta yet
-- ARGV[2]  meta TTL in ms
-- ARGV[3]  exclusive "since" offset, or "" for none
-- ARGV[4]  limit: -1 = all, 0 = none (top only)
-- ARGV[5]  "1" = newest first
-- Returns {epoch, top, id1, payload1, id2, payload2, ...}.
--
-- An unknown stream is created here with top 0 and the candidate epoch, so that the next append
-- keeps that epoch: a client that saw the empty stream can recover across the first publication.
-- An empty stream's meta lifetime is renewed on each read (an idle stream with publications is not:
-- its lifetime follows its appends).

local meta = redis.call('HMGET', KEYS[1], 'e', 's')
local epoch = meta[1]
local top = 0
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  top = tonumber(meta[2]) or 0
  if top == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end

local out = {epoch, top}
local limit = tonumber(ARGV[4])
if limit == 0 or top == 0 then return out end

local entries
local since = ARGV[3]
-- Ids are "<offset>-0", so an exclusive bound is the inclusive neighbour; no "(" syntax (Redis >= 6.2) needed.
if ARGV[5] == '1' then
  local hi = '+'
  if since ~= '' then
    local below = tonumber(since) - 1
    if below < 1 then return out end
    hi = string.format('%d-0', below)
  end
  if limit > 0 then
    entries = redis.call('XREVRANGE', KEYS[2], hi, '-', 'COUNT', limit)
  else
    entries = redis.call('XREVRANGE', KEYS[2], hi, '-')
  end
else
  local lo = '-'
  if since ~= '' then lo = string.format('%d-0', tonumber(since) + 1) end
  if limit > 0 then
    entries = redis.call('XRANGE', KEYS[2], lo, '+', 'COUNT', limit)
  else
    entries = redis.call('XRANGE', KEYS[2], lo, '+')
  end
end

for _, entry in ipairs(entries) do
  out[#out + 1] = entry[1]
  out[#out + 1] = entry[2][2]
end
return out
