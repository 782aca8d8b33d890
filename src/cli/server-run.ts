import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FramefleetError } from '../errors.js';
import { createLogger } from '../logger.js';
import { loadConfig } from '../config/load.js';
import { defaultDataDir } from '../runtime/local.js';
import { startSweeper } from '../runtime/retention-sweep.js';
import { processorsOf } from '../runtime/processors.js';
import { openRuntime } from '../runtime/runtime.js';
import { assertSafeBind, buildServer } from '../server/index.js';
import { serverLimits } from '../server/context.js';
import { currentConfig, redisConnectTimeoutMs, configuredRetry } from './config-apply.js';
import type { ServerFlags } from './server.js';

export async function serverCommand(flags: ServerFlags): Promise<void> {
  // framefleet.yaml's server.token, server.tokenFile or FRAMEFLEET_API_TOKEN (loadConfig merged them).
  const token = currentConfig().config.server.token;
  assertSafeBind(flags.host, token);
  if (flags.headersTimeoutS > flags.requestTimeoutS) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `--headers-timeout-s ${flags.headersTimeoutS} is longer than --request-timeout-s ${flags.requestTimeoutS}; the headers are part of the request`,
    );
  }
  warnIneffectiveCaps(flags);
  if (flags.withWorker && !flags.redis) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      '--with-worker needs --redis; the local engine always runs its own tasks',
    );
  }
  // Before the runtime opens (it resumes unfinished jobs): a port in use fails with no task started.
  await portFree(flags);
  // framefleet.yaml (FRAMEFLEET_CONFIG or ./framefleet.yaml): its `pools:` drive /v1/scaling and job costs.
  const { config } = await loadConfig();
  const log = createLogger(flags.logLevel, { service: 'framefleet-server' });
  const dataDir = resolve(flags.dataDir ?? defaultDataDir());
  const cpuSlots = flags.workers ?? availableParallelism();
  const runtime = await openRuntime({
    processors: processorsOf(currentConfig()),
    mode: flags.redis ? 'redis' : 'local',
    redisUrl: flags.redis,
    connectTimeoutMs: redisConnectTimeoutMs(),
    retry: configuredRetry(),
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
    trustProxy: flags.trustProxy,
    token,
    maxUploadBytes: flags.maxUploadMb * 1048576,
    limits: serverLimits(flags),
    logger: log,
    pools: config.pools,
  });
  const address = await app.listen({ port: flags.port, host: flags.host }).catch(async (error: unknown) => {
    await runtime.close();
    throw listenError(error, flags);
  });
  process.stdout.write(
    `framefleet server listening on ${shownAddress(address, flags.host)} (data ${dataDir}, backend ${runtime.backend.name})\n`,
  );
  const { retention } = currentConfig().config;
  const stopSweeper = startSweeper(
    { backend: runtime.backend, storage: runtime.storage, policy: retention },
    retention.sweepMinutes,
    log,
  );
  const stop = () => {
    stopSweeper();
    void app
      .close()
      .then(() => runtime.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Binds the port for a moment and lets it go; the real listen below still maps its own errors. */
async function portFree(flags: ServerFlags): Promise<void> {
  if (flags.port === 0) return;
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', (error) => fail(listenError(error, flags)));
    probe.listen({ port: flags.port, host: flags.host, exclusive: true }, () => probe.close(() => done()));
  });
}

/** A port that cannot be had, in one line naming it (not Node's `listen EADDRINUSE ...`). */
function listenError(error: unknown, flags: ServerFlags): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${flags.host}:${flags.port}`;
  if (code === 'EADDRINUSE')
    return new FramefleetError(
      'PORT_IN_USE',
      `port ${flags.port} is in use (${where}); pick another with --port`,
    );
  if (code === 'EACCES')
    return new FramefleetError(
      'INVALID_ARGUMENT',
      `port ${flags.port} needs privileges to bind (${where}); pick one above 1023`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new FramefleetError('INVALID_ARGUMENT', `--host ${flags.host} is not an address of this machine`);
  return error;
}

/**
 * One line for a per-client cap above its server cap: the server cap refuses first, so the
 * per-client one never does (a setting that looks like it allows more than it does).
 */
function warnIneffectiveCaps(flags: ServerFlags): void {
  const pairs = [
    ['max-uploads-per-client', flags.maxUploadsPerClient, 'max-uploads', flags.maxUploads],
    [
      'max-event-streams-per-client',
      flags.maxEventStreamsPerClient,
      'max-event-streams',
      flags.maxEventStreams,
    ],
    ['max-connections-per-client', flags.maxConnectionsPerClient, 'max-connections', flags.maxConnections],
  ] as const;
  for (const [client, perClient, server, max] of pairs) {
    if (perClient > max) {
      process.stderr.write(
        `framefleet: warning: --${client} ${perClient} is above --${server} ${max}; it has no effect, one client may hold at most ${max}\n`,
      );
    }
  }
}

/**
 * Where the server listens, as the operator should read it: fastify names 127.0.0.1 for a server
 * bound to every interface (0.0.0.0, ::), which would pass for loopback only.
 */
function shownAddress(address: string, host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return address;
  const port = new URL(address).port;
  return `http://${host === '::' ? '[::]' : host}:${port} (every interface; this machine: ${address})`;
}
