-- Shared by every script. ARGV[1] is the store's key prefix; keys are built here, so the scripts run on
-- a standalone Redis (or one primary), not on Redis Cluster.
--   <prefix>:<escaped scope>:<escaped key>  hash: v (JSON value), ver (version), c (declaration), t (type),
--                                           and while an update holds it (hold.lua): h (its token), hu (until, ms)
--   <prefix>#scope:<scope>                  set of the keys of one scope
--   <prefix>#owner:<owner scope>            set of the scopes that substituted one client, user or component
--   <prefix>#changes                        pub/sub channel of every write
--   <prefix>#clients                        sorted set: client owner scopes by when they expire (ms)
local P = ARGV[1]

-- Scripts read the server's clock (TIME) for idle expiry, then write: replicate their effects, which is
-- the default from Redis 5 on and has to be asked for before.
if redis.replicate_commands then
  redis.replicate_commands()
end

local function esc(text)
  return (string.gsub(text, '[\\:]', '\\%0'))
end

local function state_key(scope, key)
  return P .. ':' .. esc(scope) .. ':' .. esc(key)
end

local function scope_key(scope)
  return P .. '#scope:' .. scope
end

local function owner_key(owner)
  return P .. '#owner:' .. owner
end

-- Clients that expire when idle: a sorted set of client owner scopes by the server time (ms) they expire
-- at. Every node sweeps it (sweep.lua), so that listeners hear expired states like any deletion.
local function clients_key()
  return P .. '#clients'
end

local function now_millis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The fields of a state: {v, ver, c, t, h, hu}; v is false if the state does not exist.
local function fields(scope, key)
  return redis.call('HMGET', state_key(scope, key), 'v', 'ver', 'c', 't', 'h', 'hu')
end

-- Whether an update holds the state whose fields are h (hold.lua) until later than now: every other
-- write waits until it lets go. A hold whose time ran out holds nothing (its node may have died).
local function held(h)
  return h[5] and tonumber(h[6]) > now_millis()
end

local function publish(change)
  redis.call('PUBLISH', P .. '#changes', cjson.encode(change))
end

-- A seed is: scope, key, initial, declaration, type, idle millis, owner count, owners...
local function read_seed(i)
  local seed = { scope = ARGV[i], key = ARGV[i + 1], initial = ARGV[i + 2], decl = ARGV[i + 3],
    type = ARGV[i + 4], idle = tonumber(ARGV[i + 5]), owners = {} }
  local owners = tonumber(ARGV[i + 6])
  for j = 1, owners do
    seed.owners[j] = ARGV[i + 6 + j]
  end
  return seed, i + 7 + owners
end

local function is_client(owner)
  return string.sub(owner, 1, 8) == '$client('
end

local function create(seed, value)
  local k = state_key(seed.scope, seed.key)
  local sk = scope_key(seed.scope)
  redis.call('HSET', k, 'v', value, 'ver', 1, 'c', seed.decl, 't', seed.type)
  redis.call('SADD', sk, seed.key)
  for _, owner in ipairs(seed.owners) do
    redis.call('SADD', owner_key(owner), seed.scope)
  end
  if seed.idle > 0 then
    local expires = now_millis() + seed.idle
    for _, owner in ipairs(seed.owners) do
      if is_client(owner) then
        redis.call('ZADD', clients_key(), expires, owner)
      end
    end
  end
end

-- The client is still there: it expires idle millis from now (if it expires at all).
local function touch(owner, idle)
  redis.call('ZADD', clients_key(), 'XX', now_millis() + idle, owner)
end

-- Writes value into an existing state whose fields are h (see fields), with one command unless a hold
-- is to be removed; returns the new version.
local function write(scope, key, h, value)
  local k = state_key(scope, key)
  local version = tonumber(h[2]) + 1
  redis.call('HSET', k, 'v', value, 'ver', string.format('%d', version))
  if h[5] then
    redis.call('HDEL', k, 'h', 'hu') -- a hold that ran out, or the one this write lets go of
  end
  publish({ s = scope, k = key, o = h[1], n = value, d = false, c = h[3], t = h[4] })
  return version
end

local function delete_state(scope, key)
  local h = fields(scope, key)
  if not h[1] then
    return 0
  end
  redis.call('DEL', state_key(scope, key))
  publish({ s = scope, k = key, o = h[1], d = true, c = h[3], t = h[4] })
  return 1
end

local function delete_scope(scope)
  local sk = scope_key(scope)
  local count = 0
  for _, key in ipairs(redis.call('SMEMBERS', sk)) do
    count = count + delete_state(scope, key)
  end
  redis.call('DEL', sk)
  publish({ s = scope, e = true })
  return count
end

-- Deletes every scope that substituted the owner scope, and forgets the owner; returns how many states.
local function end_owner(owner)
  local ok = owner_key(owner)
  local count = 0
  for _, scope in ipairs(redis.call('SMEMBERS', ok)) do
    count = count + delete_scope(scope)
  end
  redis.call('DEL', ok)
  redis.call('ZREM', clients_key(), owner)
  return count
end
