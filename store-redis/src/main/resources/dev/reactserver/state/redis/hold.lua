-- ARGV: prefix, scope, key, token, milliseconds. Holds the state for the update named by token, at
-- most that long (a node that dies holding it cannot block it for longer): every other write waits.
-- Returns {} if the state does not exist, {-1} if another update holds it, else {'held', 1, 'value', v,
-- 'version', ver, 'declaration', c, 'type', t}.
local scope, key = ARGV[2], ARGV[3]
local h = fields(scope, key)
if not h[1] then
  return {}
end
if held(h) then
  return { -1 }
end
redis.call('HSET', state_key(scope, key), 'h', ARGV[4], 'hu', now_millis() + tonumber(ARGV[5]))
return { 'held', 1, 'value', h[1], 'version', h[2], 'declaration', h[3], 'type', h[4] }
