-- ARGV: prefix, seed. Creates the state with the seed's initial value and returns {}, or sets an
-- existing state's value to it and returns {old value, version}.
local seed = read_seed(2)
local h = fields(seed.scope, seed.key)
if not h[1] then
  create(seed, seed.initial)
  return {}
end
return { h[1], write(seed.scope, seed.key, h, seed.initial) }
