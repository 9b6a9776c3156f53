-- ARGV: prefix, scope, key, value. Returns {} if the state does not exist, {-1} if an update holds it
-- (nothing written), else {'old', old value, 'version', version}.
local h = fields(ARGV[2], ARGV[3])
if not h[1] then
  return {}
end
if held(h) then
  return { -1 }
end
return { 'old', h[1], 'version', write(ARGV[2], ARGV[3], h, ARGV[4]) }
