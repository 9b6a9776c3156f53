-- ARGV: prefix, scope, key. Returns 1 if the state existed, else 0.
local deleted = delete_state(ARGV[2], ARGV[3])
if deleted == 1 then
  redis.call('SREM', scope_key(ARGV[2]), ARGV[3])
end
return deleted
