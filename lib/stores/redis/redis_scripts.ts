/**
 * The Lua scripts the Redis store runs on the server. Each runs atomically
 * (Redis runs one script at a time, and nothing else meanwhile), so a
 * decision, its writes and its announcement can never interleave with
 * another process's update.
 *
 * Layout: a hash `<prefix>state` (status, version, epoch, updatedAt), a list
 * `<prefix>history` (the last changes as JSON, oldest first) and the channel
 * `<prefix>changes`, on which every new state is published as JSON.
 */

/** The keys and the channel of one status, all starting with `prefix`. */
export interface RedisLayout {
  state: string;
  history: string;
  channel: string;
  /** Written by health probes (see {@link PROBE_SCRIPT}), never read. */
  probe: string;
}

/** Where a status lives in Redis, under `prefix` (tests use a fresh prefix each). */
export function redisLayout(prefix: string): RedisLayout {
  return {
    state: `${prefix}state`,
    history: `${prefix}history`,
    channel: `${prefix}changes`,
    probe: `${prefix}probe`,
  };
}

// KEYS[1] the state hash, KEYS[2] the history list.
// ARGV[1] an epoch for a new sequence, ARGV[2] now (ISO-8601),
// ARGV[3] the initial status, ARGV[4] the channel.
//
// Versions are kept as decimal text and compared as text: Lua numbers are
// doubles, and cjson would print big ones in exponent form.
const PRELUDE = `
local function json_state(f)
  return '{"status":' .. cjson.encode(f[1]) .. ',"version":' .. f[2] ..
    ',"epoch":' .. cjson.encode(f[3]) .. ',"updatedAt":' .. cjson.encode(f[4]) .. '}'
end

local function current()
  if redis.call('EXISTS', KEYS[1]) == 0 then
    -- First start, or the data was wiped: a new sequence, created once.
    local f = {ARGV[3], '0', ARGV[1], ARGV[2]}
    redis.call('DEL', KEYS[2])
    redis.call('HSET', KEYS[1], 'status', f[1], 'version', f[2], 'epoch', f[3], 'updatedAt', f[4])
    redis.call('PUBLISH', ARGV[4], json_state(f))
    return f
  end
  return redis.call('HMGET', KEYS[1], 'status', 'version', 'epoch', 'updatedAt')
end
`;

/**
 * Reads the state and its history, creating a new sequence when there is
 * none. Replies `{status, version, epoch, updatedAt, {change JSON, …}}`.
 */
export const READ_SCRIPT = `${PRELUDE}
local f = current()
return {f[1], f[2], f[3], f[4], redis.call('LRANGE', KEYS[2], 0, -1)}
`;

/**
 * Writes the probe key (KEYS[3]: the time, expiring after an hour), then
 * reads as {@link READ_SCRIPT} does. A write, because a Redis that cannot
 * store (out of memory, a read-only replica) still answers reads.
 */
export const PROBE_SCRIPT = `${PRELUDE}
redis.call('SET', KEYS[3], ARGV[2], 'PX', '3600000')
local f = current()
return {f[1], f[2], f[3], f[4], redis.call('LRANGE', KEYS[2], 0, -1)}
`;

/**
 * The history entry of a change, as JSON: `source` is "api" when not given
 * (or empty), `actor` is left out when not given (or empty).
 */
export const CHANGE_JSON = `
local function change_json(version, status, at, source, actor)
  if not source or source == '' then source = 'api' end
  local text = '{"version":' .. version .. ',"status":' .. cjson.encode(status) ..
    ',"at":' .. cjson.encode(at) .. ',"source":' .. cjson.encode(source)
  if actor and actor ~= '' then text = text .. ',"actor":' .. cjson.encode(actor) end
  return text .. '}'
end
`;

/**
 * Decides and applies an update, as lib/domain/update_rule.ts decides it: a stale
 * expected version conflicts, the status it already has changes nothing,
 * anything else bumps the version, stores the state, appends the change to
 * the history (keeping the last ARGV[7]) and publishes the new state.
 * ARGV[5] the requested status, ARGV[6] the expected version or "",
 * ARGV[9] the source and ARGV[10] the actor (both optional, kept in the
 * history; the published state carries the change as `change`).
 * Replies `{kind, status, version, epoch, updatedAt}` with the state after.
 *
 * ARGV[8], when given, is the update's deadline in milliseconds since 1970
 * by the caller's clock: once Redis' own clock (`TIME`) is past it, the
 * script writes nothing and replies `{'late', <Redis' time in ms>}`. A
 * command already sent to a frozen server runs when the server resumes,
 * long after its caller was answered 503; this is what keeps it from
 * being applied then.
 */
export const UPDATE_SCRIPT = `${PRELUDE}${CHANGE_JSON}
if ARGV[8] and ARGV[8] ~= '' then
  -- Redis before 5 must be told that a script reading TIME then writes.
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now > tonumber(ARGV[8]) then
    return {'late', string.format('%d', now)}
  end
end
local f = current()
if ARGV[6] ~= '' and ARGV[6] ~= f[2] then
  return {'conflict', f[1], f[2], f[3], f[4]}
end
if ARGV[5] == f[1] then
  return {'unchanged', f[1], f[2], f[3], f[4]}
end
local version = string.format('%d', tonumber(f[2]) + 1)
local after = {ARGV[5], version, f[3], ARGV[2]}
redis.call('HSET', KEYS[1], 'status', after[1], 'version', after[2], 'updatedAt', after[4])
local change = change_json(version, after[1], after[4], ARGV[9], ARGV[10])
redis.call('RPUSH', KEYS[2], change)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[7]), -1)
local state = json_state(after)
redis.call('PUBLISH', ARGV[4], string.sub(state, 1, -2) .. ',"change":' .. change .. '}')
return {'changed', after[1], after[2], after[3], after[4]}
`;

/**
 * Stores the task's identity (ARGV[5], JSON) in the state hash, creating a
 * new sequence first if there is none, and tells every process on the
 * tasks channel (ARGV[6]) that the `default` task's identity changed.
 */
export const DEFAULT_IDENTITY_SCRIPT = `${PRELUDE}
current()
redis.call('HSET', KEYS[1], 'identity', ARGV[5])
redis.call('PUBLISH', ARGV[6], '{"task":"default","identity":true}')
return 'ok'
`;

/**
 * Deletes the state and history, then starts a new sequence at once
 * (published as any new sequence is): the `default` task always exists.
 */
export const DEFAULT_DELETE_SCRIPT = `${PRELUDE}
redis.call('DEL', KEYS[1], KEYS[2])
current()
return 'ok'
`;
