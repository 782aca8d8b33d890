import { homedir } from 'node:os';
import { join } from 'node:path';

/** framefleet's folder in the user's cache (XDG_CACHE_HOME or ~/.cache). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'framefleet');
}
