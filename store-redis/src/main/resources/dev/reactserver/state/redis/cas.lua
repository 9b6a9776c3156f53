-- ARGV: prefix, scope, key, expected version, value.
-- Returns {} if the state does not exist; {-1} if an update holds it; {0, v, ver, c, t} (the state as it
-- is) if its version moved on; else {1, old value, version}.
local h = fields(ARGV[2], ARGV[3])
if not h[1] then
  return {}
end
if held(ARGV[2], ARGV[3]) then
  return { -1 }
end
if h[2] ~= ARGV[4] then
  return { 0, h[1], h[2], h[3], h[4] }
end
return { 1, h[1], write(ARGV[2], ARGV[3], h, ARGV[5]) }
