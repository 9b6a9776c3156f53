-- ARGV: prefix, scope, key, token, '1' to write value or '0' to only let go, value. Lets go of the
-- state held by token and writes value in the same step. Returns {} if token no longer holds it (the
-- hold ran out, or the state was deleted) or nothing was to be written, else {'wrote', 1, 'old', old
-- value, 'version', version}.
local scope, key = ARGV[2], ARGV[3]
local h = fields(scope, key)
if h[5] ~= ARGV[4] then
  return {}
end
if tonumber(h[6]) <= now_millis() or ARGV[5] ~= '1' then
  redis.call('HDEL', state_key(scope, key), 'h', 'hu')
  return {}
end
return { 'wrote', 1, 'old', h[1], 'version', write(scope, key, h, ARGV[6]) }
