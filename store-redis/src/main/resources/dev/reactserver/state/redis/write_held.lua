-- ARGV: prefix, scope, key, token, '1' to write value or '0' to only let go, value. Lets go of the
-- state held by token and writes value in the same step. Returns {} if token no longer holds it (the
-- hold expired, or the state was deleted) or nothing was to be written, else {'wrote', 1, 'old', old
-- value, 'version', version}.
local scope, key = ARGV[2], ARGV[3]
local hk = hold_key(scope, key)
if redis.call('GET', hk) ~= ARGV[4] then
  return {}
end
redis.call('DEL', hk)
local h = fields(scope, key)
if ARGV[5] ~= '1' or not h[1] then
  return {}
end
return { 'wrote', 1, 'old', h[1], 'version', write(scope, key, h, ARGV[6]) }
