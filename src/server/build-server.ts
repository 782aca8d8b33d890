import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { FramefleetError, show } from '../errors.js';
import { DEFAULT_LIMITS, type ServerContext, type ServerOptions } from './context.js';
import { errorHandler, frameworkErrors, sendError } from './error-handler.js';
import { clientErrorHandlerFor } from './client-errors.js';
import { refuseEncodedBodies, useDepthLimitedJson } from './http-errors.js';
import { requestGuard } from './request-guard.js';
import { requestForLog } from './log-redact.js';
import { publicScope, trackRoutes } from './route-access.js';
import { DEFAULT_JOB_TYPES } from './job-types.js';
import { ServerMetrics } from './metrics.js';
import { eventRoutes } from './routes-events.js';
import { fileRoutes } from './routes-files.js';
import { jobRoutes } from './routes-jobs.js';
import { opsRoutes } from './routes-ops.js';
import { outputRoutes } from './routes-outputs.js';
import { ladderRoutes } from './routes-ladder.js';
import { uploadRoutes } from './routes-uploads.js';
import { scalingRoutes } from './routes-scaling.js';
import { ScalingService } from './scaling-service.js';
import { capConnectionsPerClient, Slots } from './slots.js';
import { trustedProxies } from './trusted-proxies.js';
import { FRAME_HEADERS } from './frame-headers.js';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/** The API, SSE, metrics and dashboard over any Backend; the caller listens and closes. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  if (!options.roots) {
    throw new FramefleetError(
      'INTERNAL',
      'a server needs input and output roots: open its runtime with roots',
    );
  }
  const roots = options.roots;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const uploadsDir = options.storage.localPath?.('uploads');
  if (uploadsDir) await mkdir(uploadsDir, { recursive: true });
  const scaling = options.pools?.length ? new ScalingService(options.backend, options.pools) : undefined;
  const metrics = new ServerMetrics({
    backend: options.backend,
    fleet: options.fleet,
    gpus: options.gpus,
    cost: scaling && ((job) => scaling.costOf(job)),
  });
  const ctx: ServerContext = {
    backend: options.backend,
    storage: options.storage,
    fleet: options.fleet,
    jobTypes: options.jobTypes ?? DEFAULT_JOB_TYPES,
    confinement: {
      inputRoots: [...roots.input],
      outputRoots: [...roots.output],
      allowHosts: [...(options.allowHosts ?? [])],
    },
    maxUploadBytes: options.maxUploadBytes ?? 1024 * 1048576,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    uploads: new Slots(
      ['upload', 'uploads'],
      { max: limits.maxUploads, cap: 'max-uploads' },
      {
        max: limits.maxUploadsPerClient,
        cap: 'max-uploads-per-client',
      },
    ),
    uploadRate: {
      minBytesPerSecond: limits.minUploadBytesPerSecond,
      windowMs: limits.uploadRateWindowMs,
      graceMs: limits.uploadRateGraceMs,
    },
    eventStreams: new Slots(
      ['event stream', 'event streams'],
      { max: limits.maxEventStreams, cap: 'max-event-streams' },
      {
        max: limits.maxEventStreamsPerClient,
        cap: 'max-event-streams-per-client',
      },
    ),
    maxEventBufferBytes: limits.maxEventBufferBytes,
    metrics,
    scaling,
  };
  const clientErrors = clientErrorHandlerFor(limits);
  // Without --trust-proxy fastify reads no X-Forwarded-* header: request.ip is the socket's peer.
  const trusted = trustedProxies(options.trustProxy ?? []);
  const app = Fastify({
    // A secret put in a URL's query (a token where a header belongs) is not written to the log.
    ...(options.logger
      ? { loggerInstance: options.logger.child({}, { serializers: { req: requestForLog } }) }
      : { logger: false }),
    ...(trusted ? { trustProxy: trusted } : {}),
    bodyLimit: options.bodyLimitBytes ?? 1048576,
    // Node would answer a missing Host with a bare 400; the request guard answers it in JSON.
    // Timeouts are checked every second (Node's default is 30 s), so a stalled request goes soon.
    http: {
      requireHostHeader: false,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    requestTimeout: limits.requestTimeoutMs,
    ajv: {
      customOptions: {
        removeAdditional: false,
        useDefaults: false,
        coerceTypes: false,
        verbose: true,
        discriminator: true,
      },
    },
    frameworkErrors,
    clientErrorHandler: clientErrors.handler,
  });
  clientErrors.trackHeaders(app.server);
  // Past it Node closes each new connection at once: one client cannot hold every socket.
  app.server.maxConnections = limits.maxConnections;
  capConnectionsPerClient(app.server, limits.maxConnectionsPerClient, trusted);
  trackRoutes(app);
  useDepthLimitedJson(app);
  refuseEncodedBodies(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new FramefleetError('NOT_FOUND', `no route ${request.method} ${show(request.url.split('?')[0])}`),
    ),
  );
  // No page of another site may frame the dashboard (its framed requests are same-origin, so a
  // click tricked onto Cancel or Remove would pass every check below) or have a file sniffed as HTML.
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(FRAME_HEADERS);
  });
  // Host, token and cross-site checks on the route the router matched, before any body is read.
  app.addHook('onRequest', requestGuard(options.token));
  // Request logs carry the job id wherever a route names one.
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') request.log = request.log.child({ jobId: id });
  });
  const unsubscribe = options.backend.subscribe((event) => {
    if (event.type === 'task') {
      app.log.info(
        {
          jobId: event.jobId,
          taskId: event.taskId,
          kind: event.kind,
          worker: event.worker,
          reused: event.reused,
        },
        `task ${event.state}`,
      );
    } else if (event.type === 'job') {
      app.log.info(
        { jobId: event.jobId, state: event.state, waitingFor: event.waitingFor },
        `job ${event.state}`,
      );
    }
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    metrics.close();
    scaling?.close();
  });

  // Every route is private (needs the token) unless its config says `public: true`.
  await app.register(opsRoutes(ctx));
  await app.register(jobRoutes(ctx));
  await app.register(outputRoutes(ctx));
  await app.register(ladderRoutes(ctx));
  await app.register(fileRoutes(ctx));
  await app.register(eventRoutes(ctx));
  await app.register(uploadRoutes(ctx));
  await app.register(scalingRoutes(ctx));
  if (options.webRoot !== false) {
    const root = path.resolve(options.webRoot ?? DEFAULT_WEB_ROOT);
    // The dashboard's static shell is public: it holds no data, and asks for the token itself. One
    // route per file it holds (no wildcard): a path matching none of them is private, so an
    // unknown /v1/... path answers 401 without the token, as every other, and routes can't be listed.
    await app.register(async (web) => {
      publicScope(web);
      await web.register(fastifyStatic, { root, prefix: '/', wildcard: false });
    });
  }
  return app;
}
