-- ARGV: prefix, owner scope. Deletes every scope that substituted it; returns how many states.
local ok = owner_key(ARGV[2])
local count = 0
for _, scope in ipairs(redis.call('SMEMBERS', ok)) do
  count = count + delete_scope(scope)
end
redis.call('DEL', ok)
return count
