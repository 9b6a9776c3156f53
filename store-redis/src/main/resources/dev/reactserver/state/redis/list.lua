-- ARGV: prefix, scope. Returns key, v, ver, c, t of every state of the scope.
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', scope_key(ARGV[2]))) do
  local h = fields(ARGV[2], key)
  if h[1] then
    out[#out + 1] = key
    for j = 1, 4 do
      out[#out + 1] = h[j]
    end
  end
end
return out
