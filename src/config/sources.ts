import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a config can come from, without the schema (no zod, no yaml): commands that start often
 * (`analyze beats` on a batch of files) ask this first and skip loading the config when nothing
 * could set one.
 */
export const CONFIG_FILE_NAME = 'framefleet.yaml';

/** Environment variables that override a config field (flags override both). */
export const ENV_OVERRIDES: readonly [string, string[]][] = [
  ['FRAMEFLEET_MODE', ['mode']],
  ['FRAMEFLEET_DATA_DIR', ['dataDir']],
  ['FRAMEFLEET_REDIS_URL', ['redis', 'url']],
  ['FRAMEFLEET_PREFIX', ['redis', 'prefix']],
  ['FRAMEFLEET_REDIS_CONNECT_TIMEOUT_MS', ['redis', 'connectTimeoutMs']],
  ['FRAMEFLEET_STORAGE', ['storage']],
  ['FRAMEFLEET_API_TOKEN', ['server', 'token']],
];

/** Whether a config file or a FRAMEFLEET_* override is present for this process. */
export function configPresent(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): boolean {
  return (
    Boolean(env.FRAMEFLEET_CONFIG) ||
    ENV_OVERRIDES.some(([name]) => Boolean(env[name])) ||
    existsSync(join(cwd, CONFIG_FILE_NAME))
  );
}
