#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { userCacheDir } from '../media/user-cache.js';
import { startEarlyWork } from './early-decode.js';

// Node 22.1+ keeps V8's compiled code of the CLI's modules on disk: the next start skips compiling
// them. In framefleet's own cache folder (a shared temporary folder would let another user plant
// code), made here first so that a folder that cannot be made only means no cache. NODE_COMPILE_CACHE
// overrides the folder and NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program.
// Node 20 has no such cache and carries on without it.
const enableCompileCache = (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
if (enableCompileCache && process.env.NODE_DISABLE_COMPILE_CACHE === undefined) {
  const dir = process.env.NODE_COMPILE_CACHE || join(userCacheDir(), 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true });
    enableCompileCache(dir);
  } catch {
    // No cache: a read-only home or a bad folder only costs the start-up time it would save.
  }
}

// A reader that stops early (`| head`, a consumer that died) closes the pipe: stop quietly with
// the shell's code for it, as Unix tools do, instead of a stack trace for an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(141);
  });
}

// `analyze beats` starts its decode, `transcode` its input's probe, first: they overlap the loading of everything else.
startEarlyWork(process.argv.slice(2));
await import('./program.js');
