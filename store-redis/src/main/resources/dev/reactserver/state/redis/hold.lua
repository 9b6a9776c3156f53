-- ARGV: prefix, scope, key, token, milliseconds. Holds the state for the update named by token, at
-- most that long (a node that dies holding it cannot block it for longer): every other write waits.
-- Returns {} if the state does not exist, {-1} if another update holds it, else {1, v, ver, c, t}.
local scope, key = ARGV[2], ARGV[3]
local h = fields(scope, key)
if not h[1] then
  return {}
end
if not redis.call('SET', hold_key(scope, key), ARGV[4], 'PX', ARGV[5], 'NX') then
  return { -1 }
end
return { 1, h[1], h[2], h[3], h[4] }
