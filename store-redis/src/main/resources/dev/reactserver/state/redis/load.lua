-- ARGV: prefix, idle millis, touch count, client owners to touch..., seed count, seeds...
-- Returns v, ver, c, t of every seed's state, creating the missing ones (creation is not a change).
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
  for j = 1, 4 do
    out[#out + 1] = h[j]
  end
end
return out
