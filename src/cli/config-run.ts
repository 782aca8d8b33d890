import { stringify } from 'yaml';
import type { Config } from '../config/index.js';
import { redisUnreachable } from '../engine/redis/connection.js';
import { FramefleetError, maskUrl, show } from '../errors.js';
import { currentConfig } from './config-apply.js';

/** The loaded config is already valid (the hook exits 2 otherwise): say where it came from. */
export async function configCheck(flags: { connect?: boolean }): Promise<void> {
  const { config, file } = currentConfig();
  const source = file ? `config ${show(file)}` : 'no framefleet.yaml found; defaults and FRAMEFLEET_* only';
  if (flags.connect && config.mode !== 'local') {
    const why = await redisUnreachable(config.redis.url);
    if (why !== undefined && config.mode !== 'auto') {
      throw new FramefleetError(
        'BACKEND_UNAVAILABLE',
        `mode ${config.mode}: Redis at ${show(maskUrl(config.redis.url))} is unreachable (${why})`,
      );
    }
    const state = why === undefined ? 'answers' : `is unreachable (${why}); auto would run locally`;
    process.stdout.write(`${source}: valid; mode ${config.mode}; Redis ${state}\n`);
    return;
  }
  process.stdout.write(`${source}: valid; mode ${config.mode}\n`);
}

export function configPrint(flags: { json?: boolean }): void {
  const shown = masked(currentConfig().config);
  process.stdout.write(flags.json ? `${JSON.stringify(shown, null, 2)}\n` : stringify(shown));
}

/** The config with every secret replaced: the API token, passwords in URLs. */
export function masked(config: Config): Config {
  const copy = structuredClone(config);
  if (copy.server.token) copy.server.token = '***';
  copy.redis.url = maskUrl(copy.redis.url);
  if (copy.storage) copy.storage = maskUrl(copy.storage);
  return copy;
}
