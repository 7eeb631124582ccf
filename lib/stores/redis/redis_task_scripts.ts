/**
 * The Lua scripts of the named tasks (every task but `default`, whose
 * layout and scripts are in redis_scripts.ts and stay as they were).
 *
 * Layout under the prefix: a hash `task:<id>` (status, version, epoch,
 * updatedAt, seq, identity), a list `task:<id>:history`, a sorted set
 * `tasks` of the stored ids (listing by id, counting for MAX_TASKS), a
 * counter `seq` that every write of any named task bumps, and one channel
 * `tasks:changes` for them all, so that a process subscribes once however
 * many tasks there are. Each message names its task.
 *
 * `seq` orders everything: a write stores its seq in the task's hash and
 * publishes it with the seq the task had before (`prev`); a read of a
 * missing task answers the counter's value. A process applies a message
 * directly when `prev` is the seq of what it holds, reads the task when it
 * missed something, and ignores anything not later than what it holds.
 */
import { CHANGE_JSON } from "./redis_scripts.ts";

/** The keys and the channel of the named tasks, all starting with `prefix`. */
export interface TaskLayout {
  prefix: string;
  /** The sorted set of stored ids. */
  index: string;
  /** The counter every write bumps. */
  seq: string;
  channel: string;
}

/** Where the named tasks live in Redis, under `prefix` (tests use a fresh prefix each). */
export function taskLayout(prefix: string): TaskLayout {
  return {
    prefix,
    index: `${prefix}tasks`,
    seq: `${prefix}seq`,
    channel: `${prefix}tasks:changes`,
  };
}

/** A named task's hash and history keys. */
export function taskKeys(layout: TaskLayout, id: string): [string, string] {
  return [`${layout.prefix}task:${id}`, `${layout.prefix}task:${id}:history`];
}

// Versions and seqs are kept as decimal text (see redis_scripts.ts).
const STATE_JSON = `
local function state_json(status, version, epoch, at)
  return '{"status":' .. cjson.encode(status) .. ',"version":' .. version ..
    ',"epoch":' .. cjson.encode(epoch) .. ',"updatedAt":' .. cjson.encode(at) .. '}'
end
`;

/**
 * Reads a task. KEYS[1] its hash, KEYS[2] its history, KEYS[3] the
 * counter. Replies `{'stored', status, version, epoch, updatedAt, seq,
 * identity or '', {change JSON, …}}`, or `{'missing', seq}`.
 */
export const TASK_READ_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'status', 'version', 'epoch', 'updatedAt', 'seq', 'identity')
if not f[1] then
  return {'missing', redis.call('GET', KEYS[3]) or '0'}
end
return {'stored', f[1], f[2], f[3], f[4], f[5] or '0', f[6] or '', redis.call('LRANGE', KEYS[2], 0, -1)}
`;

/**
 * Decides and applies an update of a named task, as
 * lib/domain/task_record.ts decides it. KEYS: hash, history, counter,
 * index. ARGV[1] an epoch for a first store, ARGV[2] now, ARGV[3] the
 * status, ARGV[4] the expected version or "", ARGV[5] the history limit,
 * ARGV[6] the deadline (ms since 1970, or ""; see UPDATE_SCRIPT), ARGV[7]
 * the source, ARGV[8] the actor or "", ARGV[9] MAX_TASKS, ARGV[10] the
 * channel, ARGV[11] the task id, ARGV[12] the time a never stored task
 * reads as set at, ARGV[13] the initial status.
 * Replies `{kind, status, version, epoch, updatedAt}` for `unchanged` and
 * `conflict`; `{'changed', status, version, epoch, updatedAt, seq, prev,
 * change JSON}`; `{'full', count}` past MAX_TASKS; `{'late', time}`.
 */
export const TASK_UPDATE_SCRIPT = `${STATE_JSON}${CHANGE_JSON}
if ARGV[6] ~= '' then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now > tonumber(ARGV[6]) then
    return {'late', string.format('%d', now)}
  end
end
local f = redis.call('HMGET', KEYS[1], 'status', 'version', 'epoch', 'updatedAt', 'seq')
local stored = f[1] and true or false
if not stored then f = {ARGV[13], '0', 'unset', ARGV[12], false} end
if ARGV[4] ~= '' and ARGV[4] ~= f[2] then
  return {'conflict', f[1], f[2], f[3], f[4]}
end
if ARGV[3] == f[1] then
  return {'unchanged', f[1], f[2], f[3], f[4]}
end
if not stored then
  local count = redis.call('ZCARD', KEYS[4])
  if count >= tonumber(ARGV[9]) then return {'full', tostring(count)} end
  f[3] = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('ZADD', KEYS[4], 0, ARGV[11])
end
local prev = f[5] or ''
local seq = tostring(redis.call('INCR', KEYS[3]))
local version = string.format('%d', tonumber(f[2]) + 1)
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'version', version, 'epoch', f[3], 'updatedAt', ARGV[2], 'seq', seq)
local change = change_json(version, ARGV[3], ARGV[2], ARGV[7], ARGV[8])
redis.call('RPUSH', KEYS[2], change)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
redis.call('PUBLISH', ARGV[10], '{"task":' .. cjson.encode(ARGV[11]) .. ',"seq":"' .. seq ..
  '","prev":"' .. prev .. '","state":' .. state_json(ARGV[3], version, f[3], ARGV[2]) ..
  ',"change":' .. change .. '}')
return {'changed', ARGV[3], version, f[3], ARGV[2], seq, prev, change}
`;

/**
 * Stores a named task's identity (ARGV[3], JSON), storing the task at
 * version 0 under epoch ARGV[1] (at ARGV[2], status ARGV[7]) if it was
 * not. KEYS: hash, history, counter, index. ARGV[4] MAX_TASKS, ARGV[5]
 * the channel, ARGV[6] the id. Replies `{'ok', seq}` or `{'full', count}`.
 */
export const TASK_IDENTITY_SCRIPT = `
local prev = ''
if redis.call('EXISTS', KEYS[1]) == 0 then
  local count = redis.call('ZCARD', KEYS[4])
  if count >= tonumber(ARGV[4]) then return {'full', tostring(count)} end
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'status', ARGV[7], 'version', '0', 'epoch', ARGV[1], 'updatedAt', ARGV[2])
  redis.call('ZADD', KEYS[4], 0, ARGV[6])
else
  prev = redis.call('HGET', KEYS[1], 'seq') or ''
end
local seq = tostring(redis.call('INCR', KEYS[3]))
redis.call('HSET', KEYS[1], 'identity', ARGV[3], 'seq', seq)
redis.call('PUBLISH', ARGV[5], '{"task":' .. cjson.encode(ARGV[6]) .. ',"seq":"' .. seq .. '","prev":"' .. prev .. '"}')
return {'ok', seq}
`;

/**
 * Deletes a named task. KEYS: hash, history, counter, index. ARGV[1] the
 * channel, ARGV[2] the id. Replies `{'deleted', seq}` or `{'missing'}`.
 */
export const TASK_DELETE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[4], ARGV[2])
local seq = tostring(redis.call('INCR', KEYS[3]))
redis.call('PUBLISH', ARGV[1], '{"task":' .. cjson.encode(ARGV[2]) .. ',"seq":"' .. seq .. '","deleted":true}')
return {'deleted', seq}
`;

/**
 * Lists stored named tasks by id. KEYS[1] the index. ARGV[1] the prefix,
 * ARGV[2] the id to start after ("" from the first), ARGV[3] how many.
 * Replies `{{id, status, version, epoch, updatedAt, identity or ''}, …}`.
 */
export const TASK_LIST_SCRIPT = `
local min = ARGV[2] == '' and '-' or ('(' .. ARGV[2])
local ids = redis.call('ZRANGEBYLEX', KEYS[1], min, '+', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[1] .. 'task:' .. id, 'status', 'version', 'epoch', 'updatedAt', 'identity')
  if f[1] then table.insert(out, {id, f[1], f[2], f[3], f[4], f[5] or ''}) end
end
return out
`;
