-- ARGV: prefix, idle millis, touch count, client owners to touch..., seed count, seeds...
-- Returns, for every seed in order, its state as {'value', v, 'version', ver, 'declaration', c, 'type', t},
-- creating the missing ones (creation is not a change).
local idle = tonumber(ARGV[2])
local i = 3
local touches = tonumber(ARGV[i])
for j = 1, touches do
  touch(ARGV[i + j], idle)
end
i = i + touches + 1
local count = tonumber(ARGV[i])
i = i + 1
local out = {}
for _ = 1, count do
  local seed
  seed, i = read_seed(i)
  local h = fields(seed.scope, seed.key)
  if not h[1] then
    create(seed, seed.initial)
    h = { seed.initial, '1', seed.decl, seed.type }
  end
  out[#out + 1] = { 'value', h[1], 'version', h[2], 'declaration', h[3], 'type', h[4] }
end
return out
