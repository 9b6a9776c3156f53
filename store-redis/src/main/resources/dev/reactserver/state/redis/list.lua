-- ARGV: prefix, scope. Returns every state of the scope as {'key', key, 'value', v, 'version', ver,
-- 'declaration', c, 'type', t}.
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', scope_key(ARGV[2]))) do
  local h = fields(ARGV[2], key)
  if h[1] then
    out[#out + 1] = { 'key', key, 'value', h[1], 'version', h[2], 'declaration', h[3], 'type', h[4] }
  end
end
return out
