import { resolve } from 'node:path';
import { userCacheDir } from '../media/user-cache.js';

/**
 * Where job directories live unless --data-dir or FRAMEFLEET_DATA_DIR says otherwise. A module of
 * its own: commands that only read the data dir load no engine.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FRAMEFLEET_DATA_DIR) return resolve(env.FRAMEFLEET_DATA_DIR);
  return userCacheDir(env);
}
