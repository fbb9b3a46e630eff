// The Lua scripts of the publisher, with their contracts. A script runs alone (no other command
// interleaves), which is what makes a batch's check-and-append atomic. ioredis runs them by
// EVALSHA, falling back to EVAL.
import type { Redis } from 'ioredis';

// Where the stream ends, by XINFO STREAM's `last-generated-id` rather than the newest entry: that
// is the id XADD compares against ("The ID specified in XADD is equal or smaller than the target
// stream top item"), and it survives trimming and XDEL. Returns '0' for a missing stream.
const LAST_ID_LUA = `
local function lastId(key)
  if redis.call('EXISTS', key) == 0 then return '0' end
  local info = redis.call('XINFO', 'STREAM', key)
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then return string.match(info[i + 1], '^(%d+)') end
  end
  return '0'
end
`;

// Appends one batch atomically.
//   KEYS[1] the stream, KEYS[2] its epoch key; ARGV[1] MAXLEN ~ threshold; ARGV[2] the stream's
//   last id as the publisher last saw it ('0' for empty); ARGV[3] the writer's epoch; from ARGV[4]
//   on: id, symbol, json per tick, ascending.
// A stream of another history is never written: refused as {'epoch', last, 0, theirs}. A missing
// epoch key means Redis forgot the stream (or it predates epochs): the writer's history takes it.
// Otherwise the batch is refused whole, as {'moved', last, same, epoch}, unless the stream still
// ends where the publisher expects and before the batch's first id: a second writer, a lost reply
// or a Redis that lost data all show up as a moved end. `same` = 1 when the stream already holds
// the batch's first tick with the same bytes, i.e. this very batch went in and only the reply was
// lost.
// Checking first matters: a script error does not roll back the XADDs already done, so the loop
// must not be able to fail half-way.
const APPEND_LUA =
  LAST_ID_LUA +
  `
local key = KEYS[1]
local last = lastId(key)
local epoch = ARGV[3]
local theirs = redis.call('GET', KEYS[2])
if theirs and theirs ~= epoch then return {'epoch', last, 0, theirs} end
local first = ARGV[4]
if last ~= ARGV[2] or tonumber(last) >= tonumber(first) then
  local same = 0
  local mine = redis.call('XRANGE', key, first .. '-0', first .. '-0')
  if #mine > 0 then
    local fields = mine[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == 't' and fields[i + 1] == ARGV[6] then same = 1 end
    end
  end
  return {'moved', last, same, epoch}
end
if not theirs then redis.call('SET', KEYS[2], epoch) end
for i = 4, #ARGV, 3 do
  redis.call('XADD', key, 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-0', 's', ARGV[i + 1], 't', ARGV[i + 2], 'e', epoch)
end
return {'ok', last, 0, epoch}
`;

// The same append, fenced: KEYS[3] is the lease key and the last ARGV the holder's token, taken
// off before the append proper so its ARGV layout is unchanged. Refused as {'fenced', last, 0, ''}.
const FENCED_APPEND_LUA = APPEND_LUA.replace(
  'local key = KEYS[1]',
  `local token = table.remove(ARGV)
if redis.call('GET', KEYS[3]) ~= token then return {'fenced', lastId(KEYS[1]), 0, ''} end
local key = KEYS[1]`,
);

const GET_LAST_LUA = LAST_ID_LUA + `\nreturn lastId(KEYS[1])\n`;

/** What an append script answers: `ok`, `moved`, `epoch` or `fenced`, the stream's last id, `same`, the stream's epoch. */
type AppendReply = [status: string, last: string, same: number, epoch: string];

/** The scripts as commands of the connection they were defined on. */
export interface PublisherScripts {
  /** APPEND_LUA: `ticktapeAppend(stream, epochKey, maxLen, expectedLast, epoch, id, symbol, json, …)`. */
  ticktapeAppend(key: string, epochKey: string, ...args: (string | number)[]): Promise<AppendReply>;
  /** FENCED_APPEND_LUA: the same arguments after the lease key, then the holder's token last. */
  ticktapeAppendFenced(key: string, epochKey: string, fenceKey: string, ...args: (string | number)[]): Promise<AppendReply>;
  /** GET_LAST_LUA: the stream's last-generated tick id as text, '0' for a missing stream. */
  ticktapeLastId(key: string): Promise<string>;
}

/** Register the scripts on `conn` (with `defineCommand`) and return it typed with them. */
export function definePublisherScripts(conn: Redis): PublisherScripts {
  conn.defineCommand('ticktapeAppend', { numberOfKeys: 2, lua: APPEND_LUA });
  conn.defineCommand('ticktapeAppendFenced', { numberOfKeys: 3, lua: FENCED_APPEND_LUA });
  conn.defineCommand('ticktapeLastId', { numberOfKeys: 1, lua: GET_LAST_LUA });
  return conn as unknown as PublisherScripts;
}
