import * as z from 'zod';
import { parseQueue } from '../engine/routing.js';
import { show } from '../errors.js';
import { retentionConfigSchema } from './retention.js';
import { retryConfigSchema } from './retry.js';
import { processorsConfigSchema } from './processors.js';
import { poolsConfigSchema } from './pools.js';
import { SERVER_LIMITS, type ServerLimitKey } from './server-limits.js';
import { PROXY_ENTRY_HINT, parseProxyRange } from './trust-proxy.js';
import { tokenSchema } from './token.js';
import { REDIS_CONNECT_TIMEOUT_MS } from '../engine/redis/connect-timeout.js';

/**
 * framefleet.yaml: one file for every command (CLI, server, worker), each section optional. Values
 * from flags win over the file, the file over FRAMEFLEET_* environment variables' defaults... see
 * load.ts for the order. Other issues add their sections here (processors, pools, retention, retry).
 */
const plainName = /^[A-Za-z0-9_-]+$/;

/** The `server:` keys for the limits, from their table (bounds and defaults as the flags'). */
function serverLimitsConfigShape() {
  return Object.fromEntries(
    Object.entries(SERVER_LIMITS).map(([key, l]) => [key, z.int().min(l.min).max(l.max).default(l.value)]),
  ) as { [K in ServerLimitKey]: z.ZodDefault<z.ZodInt> };
}

const CONNECT_TIMEOUT_MAX_MS = 3_600_000;

/**
 * Milliseconds from 1 to `max`: an integer in the file, or its digits from a FRAMEFLEET_* variable
 * (every variable is a string); anything else is refused with the value it was.
 */
function wholeMs(max: number) {
  const expected = `expected a whole number of milliseconds from 1 to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
    z.int({ error: expected }).min(1, expected).max(max, expected),
  );
}

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(8080),
  /** Folders job inputs may come from; default: the working directory. */
  inputRoots: z.array(z.string().min(1)).default([]),
  /** Folders job outputs may go to; default: the working directory. */
  outputRoots: z.array(z.string().min(1)).default([]),
  /** Hosts http(s) inputs may be downloaded from. */
  allowHosts: z.array(z.string().min(1)).default([]),
  /** Reverse proxies (addresses, CIDRs) whose X-Forwarded-For names the client; none by default. */
  trustProxy: z
    .array(z.string().refine((entry) => parseProxyRange(entry) !== undefined, `expected ${PROXY_ENTRY_HINT}`))
    .default([]),
  /**
   * The API token itself (prefer tokenFile or FRAMEFLEET_API_TOKEN: a file in a repo leaks), checked
   * by the same rule as a token file's (see token.ts).
   */
  token: tokenSchema.optional(),
  /** A file holding the API token (a Kubernetes secret mounted as a file). */
  tokenFile: z.string().min(1).optional(),
  maxUploadMb: z.int().min(1).max(1_048_576).default(1024),
  /** Caps and timeouts: maxUploads, maxUploadsPerClient, minUploadKibPerS, ... */
  ...serverLimitsConfigShape(),
});

export const workerConfigSchema = z.strictObject({
  /** Concurrent CPU tasks; default: the core count. */
  concurrency: z.int().min(1).max(256).optional(),
  /** Concurrent tasks per GPU (NVENC session limits). */
  gpuSlots: z.int().min(0).max(64).optional(),
  /** A YAML/JSON file of declared capabilities. */
  capabilities: z.string().min(1).optional(),
  /** Seconds a stopping worker gives running tasks before it hands them back. */
  graceSeconds: z.int().min(0).max(86_400).default(30),
});

export const configSchema = z
  .strictObject({
    /** local: the embedded engine; redis: a fleet through Redis; k8s: Redis plus Kubernetes; auto: Redis when reachable. */
    mode: z.enum(['local', 'redis', 'k8s', 'auto']).default('local'),
    /** Local job state and caches; default: $XDG_CACHE_HOME/framefleet. */
    dataDir: z.string().min(1).optional(),
    redis: z
      .strictObject({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
          .default('redis://127.0.0.1:6379'),
        prefix: z.string().regex(plainName, 'expected letters, digits, _ and -').default('ff'),
        /** How long a command's first PING may go unanswered (a server that accepts and never answers). */
        connectTimeoutMs: wholeMs(CONNECT_TIMEOUT_MAX_MS).default(REDIS_CONNECT_TIMEOUT_MS),
      })
      .default({
        url: 'redis://127.0.0.1:6379',
        prefix: 'ff',
        connectTimeoutMs: REDIS_CONNECT_TIMEOUT_MS,
      }),
    /** Storage every worker reaches: file:///path (NFS, PVC) or s3://bucket/prefix; default: the data dir. */
    storage: z
      .string()
      .regex(/^(file|s3):\/\//, 'expected a file:// or s3:// URL')
      .optional(),
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    worker: workerConfigSchema.default(workerConfigSchema.parse({})),
    retention: retentionConfigSchema.default(retentionConfigSchema.parse({})),
    retry: retryConfigSchema.default(retryConfigSchema.parse({})),
    processors: processorsConfigSchema,
    pools: poolsConfigSchema,
  })
  .superRefine((config, ctx) => {
    // A pool for a processor's queue is only useful when that processor is configured.
    config.pools.forEach((pool, i) => {
      pool.queues.forEach((queue, q) => {
        for (const feature of parseQueue(queue)?.features ?? []) {
          const name = feature.slice('proc:'.length);
          if (feature.startsWith('proc:') && !(name in config.processors)) {
            ctx.addIssue({
              code: 'custom',
              path: ['pools', i, 'queues', q],
              message: `expected a queue of a configured processor; no processor ${show(name)} under processors:`,
            });
          }
        }
      });
    });
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
