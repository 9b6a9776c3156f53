-- ARGV: prefix, scope, key, expected version, value.
-- Returns {} if the state does not exist; {-1} if an update holds it; {'wrote', 0, 'value', v, 'version',
-- ver, 'declaration', c, 'type', t} (the state as it is) if its version moved on; else {'wrote', 1,
-- 'old', old value, 'version', version}.
local h = fields(ARGV[2], ARGV[3])
if not h[1] then
  return {}
end
if held(h) then
  return { -1 }
end
if h[2] ~= ARGV[4] then
  return { 'wrote', 0, 'value', h[1], 'version', h[2], 'declaration', h[3], 'type', h[4] }
end
return { 'wrote', 1, 'old', h[1], 'version', write(ARGV[2], ARGV[3], h, ARGV[5]) }
