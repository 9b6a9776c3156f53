-- ARGV: prefix, scope, key, token, milliseconds. Holds the state for the update named by token, at
-- most that long (a node that dies holding it cannot block it for longer): every other write waits.
-- Returns {} if the state does not exist, {-1} if another update holds it, else {'held', 1, 'value', v,
-- 'version', ver, 'declaration', c, 'type', t}.
local scope, key = ARGV[2], ARGV[3]
local h = fields(scope, key)
if not h[1] then
  return {}
end
if not redis.call('SET', hold_key(scope, key), ARGV[4], 'PX', ARGV[5], 'NX') then
  return { -1 }
end
return { 'held', 1, 'value', h[1], 'version', h[2], 'declaration', h[3], 'type', h[4] }
