// The Lua scripts behind the Redis store. Each runs atomically inside Redis,
// so two replicas can never both take a prediction, nor both finish it.

/** Whether a decoded record has reached a final state (the statuses of `isFinished`). */
const RUNNING = `local function running(json)
  local status = cjson.decode(json)['status']
  return status == 'starting' or status == 'processing'
end
`;

/**
 * Stores a just-accepted prediction and leases it to the caller, unless the
 * id is taken: then it returns the stored record and changes nothing.
 * KEYS: record, model, lease, leases. ARGV: json, model, replica, leaseMs, deadline, id.
 */
export const INSERT_SCRIPT = `local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[6])
return false`;

/**
 * Replaces a running prediction's record. A finished one is never changed
 * (returns {'finished', record}); with ARGV[6] set, only when the record is
 * still exactly that text (else {'changed', record}). A finished new record
 * starts its retention and frees its lease.
 * KEYS: record, model, lease, leases. ARGV: json, finished (1/0), retentionMs, id, expected.
 */
export const WRITE_SCRIPT = `${RUNNING}local current = redis.call('GET', KEYS[1])
if not current then return {'missing'} end
if ARGV[5] ~= '' and current ~= ARGV[5] then return {'changed', current} end
if not running(current) then return {'finished', current} end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return {'ok'}`;

/**
 * Extends the caller's lease; 'lost' when it is no longer the caller's
 * (expired and taken over, or freed because the prediction finished).
 * KEYS: lease, leases. ARGV: replica, leaseMs, deadline, id.
 */
export const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'lost' end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 'ok'`;

/**
 * Takes over a prediction whose lease has expired, when it still runs and is
 * for the caller's model-version: returns {'claimed', record}. One of another
 * model-version whose lease expired before ARGV[6] (no replica of it took it
 * over since) is {'orphan', record, model}, to fail. Else nothing; entries of
 * finished or forgotten predictions leave the lease set.
 * KEYS: record, model, lease, leases. ARGV: replica, leaseMs, deadline, id, model, orphanBefore.
 */
export const CLAIM_SCRIPT = `${RUNNING}if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local current = redis.call('GET', KEYS[1])
if (not current) or (not running(current)) then
  redis.call('ZREM', KEYS[4], ARGV[4])
  return false
end
local model = redis.call('GET', KEYS[2])
if model ~= ARGV[5] then
  local expired = tonumber(redis.call('ZSCORE', KEYS[4], ARGV[4]) or '0')
  if expired < tonumber(ARGV[6]) then return {'orphan', current, model or ''} end
  return false
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
return {'claimed', current}`;

/**
 * Gives a lease back at shutdown: another replica's next sweep takes the
 * prediction over at once rather than after the lease would have expired.
 * KEYS: lease, leases. ARGV: replica, id.
 */
export const GIVE_BACK_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return 1`;
