#!/usr/bin/env node
import { startEarlyDecode } from './early-decode.js';

// `analyze beats` starts its decode first, so that it overlaps the loading of everything else.
startEarlyDecode(process.argv.slice(2));
await import('./program.js');
