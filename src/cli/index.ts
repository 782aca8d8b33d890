#!/usr/bin/env node
import { startEarlyWork } from './early-decode.js';

// `analyze beats` starts its decode, `transcode` its input's probe, first: they overlap the loading of everything else.
startEarlyWork(process.argv.slice(2));
await import('./program.js');
