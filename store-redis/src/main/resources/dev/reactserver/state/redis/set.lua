-- ARGV: prefix, scope, key, value. Returns {} if the state does not exist, else {old value, version}.
local h = fields(ARGV[2], ARGV[3])
if not h[1] then
  return {}
end
return { h[1], write(ARGV[2], ARGV[3], h, ARGV[4]) }
