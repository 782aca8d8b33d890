import type { Command } from 'commander';
import type { Config, LoadedConfig } from '../config/index.js';
import { SERVER_LIMIT_DEFAULTS } from '../config/server-limits.js';
import { configPresent } from '../config/sources.js';
import type { RetryPolicy } from '../engine/redis/queue-set.js';
import { FramefleetError, maskUrl, show } from '../errors.js';
import { die } from './common.js';

/**
 * framefleet.yaml under every command: a global `--config <file>`, then, before a command runs, each
 * of its options that the command line left at its default takes the value the file (or a
 * FRAMEFLEET_* variable) gives. Order: flags > FRAMEFLEET_* > file > built-in defaults.
 */

/** Option attribute name -> config field. Applied to whichever command has that option. */
const FIELDS: readonly [attribute: string, field: string, commands?: readonly string[]][] = [
  ['prefix', 'redis.prefix'],
  ['dataDir', 'dataDir'],
  ['port', 'server.port', ['server']],
  ['host', 'server.host', ['server']],
  ['inputRoot', 'server.inputRoots', ['server']],
  ['outputRoot', 'server.outputRoots', ['server']],
  ['allowHost', 'server.allowHosts', ['server']],
  ['trustProxy', 'server.trustProxy', ['server']],
  ['maxUploadMb', 'server.maxUploadMb', ['server']],
  ...Object.keys(SERVER_LIMIT_DEFAULTS).map(
    (key) => [key, `server.${key}`, ['server']] as [string, string, string[]],
  ),
  ['concurrency', 'worker.concurrency', ['worker']],
  ['workers', 'worker.concurrency', ['server', 'transcode', 'resume']],
  ['gpuSlots', 'worker.gpuSlots'],
  ['capabilities', 'worker.capabilities', ['worker']],
  ['graceSeconds', 'worker.graceSeconds', ['worker']],
  ['tempDays', 'retention.tempDays', ['sweep']],
  ['intermediateDays', 'retention.intermediateDays', ['sweep']],
  ['jobDays', 'retention.jobDays', ['sweep']],
];

/**
 * The config this process runs with, once the hook has read it. One command per process, so one
 * value; commands that need more than their options (the server's token, `config print`) read it.
 */
let current: LoadedConfig | undefined;

export function currentConfig(): LoadedConfig {
  if (!current) throw new FramefleetError('INTERNAL', 'the config was read before the command started');
  return current;
}

/** Adds `--config` and the hook that reads the file before any command's action. */
export function installConfig(program: Command): void {
  program
    .option('--config <file>', 'framefleet.yaml to read (default: $FRAMEFLEET_CONFIG or ./framefleet.yaml)')
    .hook('preAction', async (root, command) => {
      try {
        const file = root.opts<{ config?: string }>().config;
        // Analyses read nothing from the config unless one is there: skip zod and yaml (~200 ms).
        if (file === undefined && command.parent?.name() === 'analyze' && !configPresent()) return;
        // Loaded here, not at the top: `--help` and usage errors need neither zod nor yaml.
        const { loadConfig } = await import('../config/index.js');
        current = await loadConfig({ file });
        await applyConfig(command, current);
      } catch (error) {
        die(error);
      }
    });
}

async function applyConfig(command: Command, loaded: LoadedConfig): Promise<void> {
  const { config, given } = loaded;
  const has = (attribute: string) => command.options.some((o) => o.attributeName() === attribute);
  const unset = (attribute: string) => {
    const source = command.getOptionValueSource(attribute);
    return source === undefined || source === 'default';
  };
  const set = (attribute: string, value: unknown) => {
    if (has(attribute) && unset(attribute) && value !== undefined)
      command.setOptionValueWithSource(attribute, value, 'config');
  };
  for (const [attribute, field, commands] of FIELDS) {
    if (commands && !commands.includes(command.name())) continue;
    if (given.has(field)) set(attribute, read(config, field));
  }
  if (!has('redis') || !unset('redis')) return;
  // Commands that always need Redis (worker, queues, nodes, submit) carry a default URL.
  if (command.getOptionValue('redis') !== undefined) {
    if (given.has('redis.url')) set('redis', config.redis.url);
    if (given.has('storage')) set('storage', config.storage);
    return;
  }
  // Commands that run here unless --redis (transcode, server...): the mode decides.
  if (!(await useFleet(config))) return;
  set('redis', config.redis.url);
  if (given.has('storage')) set('storage', config.storage);
}

/** Whether `mode` sends jobs to Redis: redis and k8s do; auto does when Redis answers, else says so. */
async function useFleet(config: Config): Promise<boolean> {
  if (config.mode === 'local') return false;
  if (config.mode !== 'auto') return true;
  // Loaded here, not at start-up: a command that never asks Redis should not pay for a client.
  const { redisUnreachable } = await import('../engine/redis/connection.js');
  const why = await redisUnreachable(config.redis.url);
  if (why === undefined) return true;
  process.stderr.write(
    `framefleet: mode auto: Redis at ${show(maskUrl(config.redis.url))} is unreachable (${why}); running locally\n`,
  );
  return false;
}

/**
 * `redis.connectTimeoutMs` (or FRAMEFLEET_REDIS_CONNECT_TIMEOUT_MS): how long a fleet command's
 * first PING may go unanswered. Undefined before the config is read: openRedis's own default.
 */
export function redisConnectTimeoutMs(): number | undefined {
  return current?.config.redis.connectTimeoutMs;
}

/**
 * `retry:` (attempts, backoffSeconds) as the engines take it. Undefined before the config is read:
 * the engines' own default, 3 attempts from 1 s, which is also the section's.
 */
export function configuredRetry(): RetryPolicy | undefined {
  const retry = current?.config.retry;
  return retry && { attempts: retry.attempts, backoffBaseMs: Math.round(retry.backoffSeconds * 1000) };
}

/** `--storage` a command cannot run without, from the flag or `storage:` in framefleet.yaml. */
export function requireStorage(storage: string | undefined, command: string): string {
  if (storage) return storage;
  throw new FramefleetError(
    'INVALID_ARGUMENT',
    `${command} needs --storage (or \`storage:\` in framefleet.yaml): file:///shared/path or s3://bucket/prefix`,
  );
}

function read(config: Config, field: string): unknown {
  let value: unknown = config;
  for (const key of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}
