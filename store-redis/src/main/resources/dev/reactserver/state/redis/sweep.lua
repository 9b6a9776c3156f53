-- ARGV: prefix, most clients to end. Ends the clients whose idle time ran out (by the server's clock),
-- telling listeners of each deleted state; returns {clients ended, states deleted}.
local due = redis.call('ZRANGEBYSCORE', clients_key(), '-inf', now_millis(), 'LIMIT', 0, tonumber(ARGV[2]))
local states = 0
for _, owner in ipairs(due) do
  states = states + end_owner(owner)
end
return { #due, states }
