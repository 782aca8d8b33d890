import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { CONFIG_FILE_NAME, ENV_OVERRIDES } from './sources.js';
import { tokenSchema } from './token.js';

export { CONFIG_FILE_NAME, ENV_OVERRIDES } from './sources.js';

/** Fields holding paths: relative ones are taken from the config file's folder. */
const PATH_FIELDS: readonly string[][] = [['dataDir'], ['server', 'tokenFile'], ['worker', 'capabilities']];
const PATH_LISTS: readonly string[][] = [
  ['server', 'inputRoots'],
  ['server', 'outputRoots'],
];

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined when none was found (defaults and environment only). */
  file: string | undefined;
  /** Dotted paths set by the file or a FRAMEFLEET_* variable (not schema defaults): `server.port`. */
  given: ReadonlySet<string>;
}

export interface LoadOptions {
  /** --config: a file that must exist. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Finds the config (--config, else FRAMEFLEET_CONFIG, else ./framefleet.yaml when there is one),
 * applies FRAMEFLEET_* overrides, validates it with one schema, and resolves relative paths and the
 * token file. Every problem is one INVALID_CONFIG line naming the file, the field and the value.
 */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.file ?? (env.FRAMEFLEET_CONFIG || undefined);
  const file = named
    ? resolve(cwd, named)
    : existsSync(join(cwd, CONFIG_FILE_NAME))
      ? join(cwd, CONFIG_FILE_NAME)
      : undefined;
  const raw = file ? await readConfigFile(file, named !== undefined) : {};
  const base = file ? dirname(file) : cwd;
  for (const fields of PATH_FIELDS) {
    const value = get(raw, fields);
    if (typeof value === 'string' && !isAbsolute(value)) set(raw, fields, resolve(base, value));
  }
  for (const fields of PATH_LISTS) {
    const value = get(raw, fields);
    if (Array.isArray(value))
      set(
        raw,
        fields,
        value.map((v) => (typeof v === 'string' ? resolve(base, v) : v)),
      );
  }
  const from = new Map<string, string>();
  for (const [name, fields] of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    set(raw, fields, value);
    from.set(fields.join('.'), `environment variable ${name}`);
  }
  const given = new Set(dottedPaths(raw));
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.join('.');
    const where = from.get(at) ?? (file ? `config ${show(file)}` : 'config');
    const value = get(raw, issue.path.map(String));
    // A token is a secret: its length is shown, never the token, however wrong it is. A mapping (an
    // unknown key's parent) is not shown at all: it may hold the token, and the message names the key.
    // Counted as checked: trimmed (`   abc   ` is 3 characters, not 9).
    const shown =
      at === 'server.token' && typeof value === 'string' ? `${value.trim().length} characters` : undefined;
    const got = value === undefined || !plain(value) ? '' : `, got ${shown ?? show(value)}`;
    throw new FramefleetError(
      'INVALID_CONFIG',
      `invalid ${where}: \`${at || '(root)'}\` ${lower(issue.message)}${got}`,
      {
        details: {
          file,
          path: at,
          issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })),
        },
      },
    );
  }
  const config = result.data;
  if (config.server.tokenFile && !config.server.token) {
    config.server.token = await readTokenFile(config.server.tokenFile);
  }
  return { config, file, given };
}

/** A value an error may quote: a scalar, or a list of scalars. */
function plain(value: unknown): boolean {
  const scalar = (v: unknown) => v === null || typeof v !== 'object';
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}

/** Every mapping key path in a parsed document, parents before children (lists are leaves). */
function dottedPaths(object: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = prefix + key;
    const nested =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? dottedPaths(value as Record<string, unknown>, `${path}.`)
        : [];
    return [path, ...nested];
  });
}

async function readConfigFile(file: string, named: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const why = named ? 'does not exist or cannot be read' : 'cannot be read';
    throw new FramefleetError('INVALID_CONFIG', `config file ${show(file)} ${why}`, { cause });
  }
  // Loaded only when a file is read: yaml costs ~30 ms of every command's start-up otherwise.
  const { parse: parseYaml } = await import('yaml');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new FramefleetError('INVALID_CONFIG', `config file ${show(file)} is not YAML: ${reason}`, {
      cause,
    });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new FramefleetError(
      'INVALID_CONFIG',
      `config file ${show(file)} must be a mapping of sections, got ${show(data)}`,
    );
  }
  return data as Record<string, unknown>;
}

/** The token in `path`, by the rule `server.token` and FRAMEFLEET_API_TOKEN follow (token.ts). */
async function readTokenFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new FramefleetError(
      'INVALID_CONFIG',
      `invalid config: \`server.tokenFile\` ${show(path)} cannot be read`,
      { cause },
    );
  });
  const result = tokenSchema.safeParse(text);
  if (result.success) return result.data;
  // Like a refused `server.token`: its length is shown, never the token.
  throw new FramefleetError(
    'INVALID_CONFIG',
    `invalid config: the token in \`server.tokenFile\` ${show(path)} ${result.error.issues[0]!.message}, got ${text.trim().length} characters`,
  );
}

function lower(message: string): string {
  return message.replace(/^[A-Z]/, (c) => c.toLowerCase());
}

function get(object: unknown, path: readonly string[]): unknown {
  let value = object;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function set(object: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = object;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = value;
}
