#!/usr/bin/env node
import { startEarlyWork } from './early-decode.js';

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
