-- ARGV: prefix, scope, key, expected version, declaration, type, '1' to also set the value, value.
-- Returns 1, or 0 if the state does not exist or its version moved on, -1 if an update holds it
-- (nothing written).
local scope, key = ARGV[2], ARGV[3]
local h = fields(scope, key)
if not h[1] or h[2] ~= ARGV[4] then
  return 0
end
if held(h) then
  return -1
end
redis.call('HSET', state_key(scope, key), 'c', ARGV[5], 't', ARGV[6])
if ARGV[7] == '1' then
  write(scope, key, { h[1], h[2], ARGV[5], ARGV[6] }, ARGV[8])
end
return 1
