import { InvalidArgumentError, Option, type Command } from 'commander';
import { prefixDefault } from './redis-options.js';
import { limitFlag, SERVER_LIMITS, type ServerLimitKey } from '../config/server-limits.js';
import { PROXY_ENTRY_HINT, splitTrustProxy } from '../config/trust-proxy.js';
import { show } from '../errors.js';
import { action, intOption, repeatable } from './common.js';

export interface ServerFlags {
  port: number;
  host: string;
  dataDir?: string;
  redis?: string;
  prefix: string;
  storage?: string;
  withWorker?: boolean;
  inputRoot: string[];
  outputRoot: string[];
  allowHost: string[];
  trustProxy: string[];
  maxUploadMb: number;
  maxUploads: number;
  maxUploadsPerClient: number;
  maxEventStreams: number;
  maxEventStreamsPerClient: number;
  maxEventBufferBytes: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  headersTimeoutS: number;
  requestTimeoutS: number;
  minUploadKibPerS: number;
  uploadRateWindowS: number;
  uploadRateGraceS: number;
  workers?: number;
  gpuSlots?: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export function registerServer(program: Command): void {
  const server = program
    .command('server')
    .description('run the REST API, live progress, /metrics and the dashboard (local engine unless --redis)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intOption('--port', 0, 65535), 8080)
    .option('--host <addr>', 'address to bind; non-loopback needs FRAMEFLEET_API_TOKEN', '127.0.0.1')
    .option(
      '--data-dir <dir>',
      'job state and intermediates (default: $FRAMEFLEET_DATA_DIR or ~/.cache/framefleet)',
    )
    // The name `jobs` and `worker` use; `--data`, the server's first name for it, still works.
    .addOption(new Option('--data <dir>', 'alias of --data-dir').hideHelp())
    .option('--redis <url>', 'coordinate a fleet through Redis instead of the local engine')
    .option('--prefix <prefix>', 'Redis key prefix', prefixDefault())
    .option('--storage <url>', 'storage for uploads and intermediates: file:///path or s3://bucket/prefix')
    .option('--with-worker', 'with --redis: also run encodes in this process')
    .addOption(
      repeatable(
        '--input-root <dir>',
        'folder job inputs may come from (repeatable)',
        'the current directory',
      ),
    )
    .addOption(
      repeatable('--output-root <dir>', 'folder job outputs may go to (repeatable)', 'the current directory'),
    )
    .addOption(
      repeatable(
        '--allow-host <host>',
        'host http(s) inputs may be downloaded from; a name must resolve to public addresses (repeatable)',
        'none',
      ),
    )
    .addOption(
      new Option(
        '--trust-proxy <list>',
        "comma-separated addresses and CIDRs of reverse proxies whose X-Forwarded-For names the client (per-client caps and logs count that client; the proxies' connections are not capped per client); repeatable",
      )
        .argParser(trustProxyEntries)
        .default([], 'none: X-Forwarded-For is ignored'),
    )
    .option(
      '--max-upload-mb <n>',
      'largest upload accepted',
      intOption('--max-upload-mb', 1, 1_048_576),
      1024,
    );
  // The caps and timeouts, one flag each: its key in framefleet.yaml in kebab-case.
  for (const [key, limit] of Object.entries(SERVER_LIMITS) as [
    ServerLimitKey,
    (typeof SERVER_LIMITS)[ServerLimitKey],
  ][]) {
    const flag = limitFlag(key);
    server.option(`${flag} <n>`, limit.help, intOption(flag, limit.min, limit.max), limit.value);
  }
  server
    .option(
      '--workers <n>',
      // Not 0: the local engine would queue every job with no one to run it (a fleet without local
      // work is --redis without --with-worker).
      'concurrent CPU tasks in this process (default: core count)',
      intOption('--workers', 1, 256),
    )
    .option(
      '--gpu-slots <n>',
      'concurrent encodes per GPU vendor; per GPU with --redis --with-worker (default: 2)',
      intOption('--gpu-slots', 0, 64),
    )
    .option('--log-level <level>', 'debug|info|warn|error|silent', 'info')
    .on('option:data', function (this: Command, dir: string) {
      this.setOptionValueWithSource('dataDir', dir, 'cli');
    })
    .action(
      action(async (flags: ServerFlags) => {
        const { serverCommand } = await import('./server-run.js');
        await serverCommand(flags);
      }),
    );
}

/** `--trust-proxy 10.0.0.0/8,fd00::/8` (repeatable): its entries, or a usage error naming the bad one. */
function trustProxyEntries(value: string, previous: string[]): string[] {
  const split = splitTrustProxy(value);
  if ('bad' in split) {
    const what = split.bad === '' ? `an empty entry in ${show(value)}` : show(split.bad);
    throw new InvalidArgumentError(
      `expected each --trust-proxy entry to be ${PROXY_ENTRY_HINT}, got ${what}`,
    );
  }
  return [...previous, ...split.entries];
}
