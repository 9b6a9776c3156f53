-- ARGV: prefix, scope, key, kind (int, long or double), delta.
-- Returns {} if the state does not exist; {'added', 0} if the value is not a number or the sum leaves the
-- kind's range, {-1} if an update holds it (nothing written); else {'added', 1, 'old', old value, 'new',
-- new value, 'version', version}.
local scope, key, kind, delta = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local h = fields(scope, key)
if not h[1] then
  return {}
end
if held(h) then
  return { -1 }
end
local number = tonumber(h[1])
if not number then
  return { 'added', 0 }
end
local k = state_key(scope, key)
local version = tonumber(h[2]) + 1
local new
if kind == 'DOUBLE' then
  -- Lua numbers are the doubles Java adds (HINCRBYFLOAT adds long doubles: 0.1 + 0.2 would be 0.3)
  local sum = number + tonumber(delta)
  if sum ~= sum or sum == math.huge or sum == -math.huge then
    return { 'added', 0 }
  end
  for _, form in ipairs({ '%.15g', '%.16g', '%.17g' }) do -- the shortest text that reads back as the sum
    new = string.format(form, sum)
    if tonumber(new) == sum then
      break
    end
  end
  redis.call('HSET', k, 'v', new, 'ver', string.format('%d', version))
else
  if number ~= math.floor(number) then
    return { 'added', 0 }
  end
  local sum = number + tonumber(delta)
  local limit = kind == 'INT' and 2147483648 or 9007199254740992 -- 2^31; 2^53, below which sums are exact
  if kind == 'INT' and (sum >= limit or sum < -limit) then
    return { 'added', 0 }
  end
  if sum < limit and sum > -limit and number < limit and number > -limit then
    new = string.format('%d', sum)
    redis.call('HSET', k, 'v', new, 'ver', string.format('%d', version))
  else
    -- a long beyond what a Lua number holds exactly: the server adds
    local added = redis.pcall('HINCRBY', k, 'v', delta)
    if type(added) == 'table' and added.err then
      return { 'added', 0 } -- the sum overflows 64 bits
    end
    new = redis.call('HGET', k, 'v')
    redis.call('HSET', k, 'ver', string.format('%d', version))
  end
end
publish({ s = scope, k = key, o = h[1], n = new, d = false, c = h[3], t = h[4] })
return { 'added', 1, 'old', h[1], 'new', new, 'version', version }
