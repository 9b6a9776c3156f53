-- ARGV: prefix, scope, key, kind (int, long or double), delta.
-- Returns {} if the state does not exist; {'added', 0} if the value is not a number or the sum leaves the
-- kind's range, {-1} if an update holds it (nothing written); else {'added', 1, 'old', old value, 'new',
-- new value, 'version', version}.
local scope, key, kind, delta = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local h = fields(scope, key)
if not h[1] then
  return {}
end
if held(scope, key) then
  return { -1 }
end
local number = tonumber(h[1])
if not number then
  return { 'added', 0 }
end
local k = state_key(scope, key)
local new
if kind == 'DOUBLE' then
  local sum = redis.pcall('HINCRBYFLOAT', k, 'v', delta)
  if type(sum) == 'table' and sum.err then
    return { 'added', 0 }
  end
  new = sum
elseif kind == 'INT' then
  if number ~= math.floor(number) then
    return { 'added', 0 }
  end
  local sum = number + tonumber(delta) -- exact: both fit in 32 bits
  if sum > 2147483647 or sum < -2147483648 then
    return { 'added', 0 }
  end
  new = string.format('%d', sum)
  redis.call('HSET', k, 'v', new)
else
  local sum = redis.pcall('HINCRBY', k, 'v', delta)
  if type(sum) == 'table' and sum.err then
    return { 'added', 0 } -- not an integer, or the sum overflows 64 bits
  end
  new = redis.call('HGET', k, 'v') -- the exact text: Lua numbers are doubles
end
local version = redis.call('HINCRBY', k, 'ver', 1)
publish({ s = scope, k = key, o = h[1], n = new, d = false, c = h[3], t = h[4] })
return { 'added', 1, 'old', h[1], 'new', new, 'version', version }
