-- ARGV: prefix, seed. Creates the state with the seed's initial value and returns {}, or sets an
-- existing state's value to it and returns {'old', old value, 'version', version}; {-1} if an update
-- holds it.
local seed = read_seed(2)
local h = fields(seed.scope, seed.key)
if not h[1] then
  create(seed, seed.initial)
  return {}
end
if held(h) then
  return { -1 }
end
return { 'old', h[1], 'version', write(seed.scope, seed.key, h, seed.initial) }
