import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { FramefleetError } from '../errors.js';
import { createLogger } from '../logger.js';
import { defaultDataDir } from '../runtime/local.js';
import { prefixDefault } from './redis-options.js';
import { openRuntime } from '../runtime/runtime.js';
import { assertSafeBind, buildServer } from '../server/index.js';
import { action, intOption } from './common.js';

interface ServerFlags {
  port: number;
  host: string;
  data?: string;
  redis?: string;
  prefix: string;
  storage?: string;
  withWorker?: boolean;
  inputRoot: string[];
  outputRoot: string[];
  allowHost: string[];
  maxUploadMb: number;
  workers?: number;
  gpuSlots?: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('run the REST API, live progress, /metrics and the dashboard (local engine unless --redis)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intOption('--port', 0, 65535), 8080)
    .option('--host <addr>', 'address to bind; non-loopback needs FRAMEFLEET_API_TOKEN', '127.0.0.1')
    .option(
      '--data <dir>',
      'job state and intermediates (default: $FRAMEFLEET_DATA_DIR or ~/.cache/framefleet)',
    )
    .option('--redis <url>', 'coordinate a fleet through Redis instead of the local engine')
    .option('--prefix <prefix>', 'Redis key prefix', prefixDefault())
    .option('--storage <url>', 'storage for uploads and intermediates: file:///path or s3://bucket/prefix')
    .option('--with-worker', 'with --redis: also run encodes in this process')
    .option('--input-root <dir>', 'folder job inputs may come from (repeatable; default: cwd)', collect, [])
    .option('--output-root <dir>', 'folder job outputs may go to (repeatable; default: cwd)', collect, [])
    .option(
      '--allow-host <host>',
      'host http(s) inputs may be downloaded from into storage (repeatable)',
      collect,
      [],
    )
    .option(
      '--max-upload-mb <n>',
      'largest upload accepted',
      intOption('--max-upload-mb', 1, 1_048_576),
      1024,
    )
    .option(
      '--workers <n>',
      'concurrent CPU tasks (default: core count; 0 queues without running)',
      intOption('--workers', 0, 256),
    )
    .option('--gpu-slots <n>', 'concurrent encodes per GPU vendor', intOption('--gpu-slots', 0, 64))
    .option('--log-level <level>', 'debug|info|warn|error|silent', 'info')
    .action(action(async (flags: ServerFlags) => serverCommand(flags)));
}

async function serverCommand(flags: ServerFlags): Promise<void> {
  const token = process.env.FRAMEFLEET_API_TOKEN || undefined;
  assertSafeBind(flags.host, token);
  if (flags.withWorker && !flags.redis) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      '--with-worker needs --redis; the local engine always runs its own tasks',
    );
  }
  const log = createLogger(flags.logLevel, { service: 'framefleet-server' });
  const dataDir = resolve(flags.data ?? defaultDataDir());
  const cpuSlots = flags.workers ?? availableParallelism();
  const runtime = await openRuntime({
    mode: flags.redis ? 'redis' : 'local',
    redisUrl: flags.redis,
    prefix: flags.prefix,
    dataDir,
    storageUrl: flags.storage ?? (flags.redis ? pathToFileURL(dataDir).href : undefined),
    cpuSlots,
    gpuSlots: flags.gpuSlots,
    worker: flags.withWorker,
    log,
    // The server owns its data dir: jobs a killed server left unfinished run again.
    resume: true,
    roots: {
      input: flags.inputRoot.length ? flags.inputRoot : [process.cwd()],
      output: flags.outputRoot.length ? flags.outputRoot : [process.cwd()],
    },
  });
  const app = await buildServer({
    backend: runtime.backend,
    storage: runtime.storage,
    fleet: runtime.fleet,
    gpus: runtime.gpus,
    roots: runtime.roots,
    allowHosts: flags.allowHost,
    token,
    maxUploadBytes: flags.maxUploadMb * 1048576,
    logger: log,
  });
  const address = await app.listen({ port: flags.port, host: flags.host });
  process.stdout.write(
    `framefleet server listening on ${address} (data ${dataDir}, backend ${runtime.backend.name})\n`,
  );
  const stop = () => {
    void app
      .close()
      .then(() => runtime.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
