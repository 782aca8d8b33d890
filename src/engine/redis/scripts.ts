import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * Lua scripts live in ./lua/*.lua and are called through one typed wrapper with named arguments:
 * the wrapper prepends a preamble that binds `K.<name>` to KEYS and `A.<name>` to ARGV, and `ROWS`
 * to the repeated groups of a batched call (one row per record write, say), so no script indexes
 * `ARGV[7]`. Scripts are sent by SHA after the first call (ioredis defineCommand).
 */
export interface ScriptDef<
  K extends string = string,
  A extends string = string,
  RK extends string = never,
  RA extends string = never,
> {
  file: string;
  keys: readonly K[];
  args: readonly A[];
  rowKeys?: readonly RK[];
  rowArgs?: readonly RA[];
}

export interface ScriptCall<K extends string, A extends string, RK extends string, RA extends string> {
  keys: Record<K, string>;
  args: Record<A, string | number>;
  rows?: ReadonlyArray<Record<RK, string> & Record<RA, string | number>>;
}

const LUA_DIR = new URL('./lua/', import.meta.url);
const sources = new Map<string, string>();

function preamble(def: ScriptDef<string, string, string, string>): string {
  const rowKeys = def.rowKeys ?? [];
  const rowArgs = def.rowArgs ?? [];
  const bind = (table: string, names: readonly string[], source: string) =>
    names.map((name, i) => `${table}[${JSON.stringify(name)}] = ${source}[${i + 1}]`).join('\n');
  const list = (names: readonly string[]) => `{${names.map((n) => JSON.stringify(n)).join(', ')}}`;
  return `local K, A, ROWS = {}, {}, {}
${bind('K', def.keys, 'KEYS')}
${bind('A', def.args, 'ARGV')}
do
  local nk, na, rk, ra = ${def.keys.length}, ${def.args.length}, ${list(rowKeys)}, ${list(rowArgs)}
  local count = 0
  if #rk > 0 then count = (#KEYS - nk) / #rk elseif #ra > 0 then count = (#ARGV - na) / #ra end
  for i = 1, count do
    local row = {}
    for j, name in ipairs(rk) do row[name] = KEYS[nk + (i - 1) * #rk + j] end
    for j, name in ipairs(ra) do row[name] = ARGV[na + (i - 1) * #ra + j] end
    ROWS[i] = row
  end
end
`;
}

function commandName(def: ScriptDef<string, string, string, string>): string {
  return `ff_${def.file.replace(/\W/g, '_')}`;
}

/** The script's full text: its preamble and its file. Read once per process. */
export function scriptSource(def: ScriptDef<string, string, string, string>): string {
  let source = sources.get(def.file);
  if (source === undefined) {
    source = preamble(def) + readFileSync(new URL(`${def.file}.lua`, LUA_DIR), 'utf8');
    sources.set(def.file, source);
  }
  return source;
}

/** Runs a script with named keys and arguments (and rows for a batched call). */
export async function runScript<K extends string, A extends string, RK extends string, RA extends string>(
  redis: Redis,
  def: ScriptDef<K, A, RK, RA>,
  call: ScriptCall<K, A, RK, RA>,
): Promise<unknown> {
  const name = commandName(def);
  const client = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  if (typeof client[name] !== 'function') redis.defineCommand(name, { lua: scriptSource(def) });
  const keys: string[] = def.keys.map((k) => call.keys[k]);
  const args: (string | number)[] = def.args.map((a) => call.args[a]);
  for (const row of call.rows ?? []) {
    for (const k of def.rowKeys ?? []) keys.push(row[k] as string);
    for (const a of def.rowArgs ?? []) args.push(row[a] as string | number);
  }
  return client[name]!(keys.length, ...keys, ...args);
}

export const BEGIN = {
  file: 'begin',
  keys: ['job', 'jobs'],
  args: ['type', 'spec', 'priority', 'now', 'nowMs', 'id', 'force', 'byState'],
} as const satisfies ScriptDef;

export const SET_STATE = {
  file: 'set-state',
  keys: ['job', 'jobs'],
  args: ['state', 'now', 'run', 'guard', 'byState'],
  rowArgs: ['field', 'value'],
} as const satisfies ScriptDef<string, string, never, string>;

export const CLAIM = {
  file: 'claim',
  keys: ['job', 'tasks'],
  args: ['taskId'],
  rowArgs: ['dep'],
} as const satisfies ScriptDef<string, string, never, string>;

export const PUT_TASKS = {
  file: 'put-tasks',
  keys: [],
  args: ['events', 'jobEvents'],
  rowKeys: ['job', 'tasks', 'states', 'wait', 'next'],
  rowArgs: ['taskId', 'record', 'state', 'jobId', 'run'],
} as const satisfies ScriptDef<never, string, string, string>;

export const EXPAND = {
  file: 'expand',
  keys: ['job', 'states', 'wait', 'next', 'expansions', 'expanded'],
  args: ['run', 'by', 'expansion', 'expected'],
  rowArgs: ['taskId', 'deps'],
} as const satisfies ScriptDef<string, string, never, string>;

export const STORE_PLAN = {
  file: 'store-plan',
  keys: ['job', 'graph', 'expansions', 'expanded', 'tasks'],
  args: ['run', 'graph', 'plannedBy', 'inputs'],
  rowArgs: ['taskId'],
} as const satisfies ScriptDef<string, string, never, string>;
