import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Backend, JobRecord } from '../engine/types.js';
import { FramefleetError, show, toFramefleetError } from '../errors.js';
import { candidatesFor } from '../media/encoders/select.js';
import { statFile } from '../media/input-file.js';
import type { StitchOutput } from '../pipelines/transcode/payloads.js';
import { defaultDataDir, openLocalBackend } from '../runtime/local.js';
import { openRedisBackend } from '../runtime/redis.js';
import { redisConnectTimeoutMs, configuredRetry } from './config-apply.js';
import { checkOutputTarget } from '../storage/output-target.js';
import { cliLogger } from './cli-logger.js';
import { OVERWRITE_HINT } from './common.js';
import { fleetRun } from './redis-options.js';
import { renderSpecFrom } from './render-run.js';
import type { RenderFlags } from './render.js';

interface LineStatus {
  line: number;
  output: string;
  state: 'done' | 'failed';
  jobId?: string;
  code?: string;
  message?: string;
  frames?: number;
  seconds?: number;
  /** What the single render warns of (text in a script its voice does not read): said per line. */
  warnings?: string[];
}

/**
 * `render --template T --batch FILE.jsonl --out-dir DIR`: one job per non-empty line, all submitted
 * to one engine (this process, or the fleet with --redis) and followed to their ends. A line that
 * does not parse or whose job fails is reported and the rest go on; exit 1 if any failed.
 */
export async function renderBatch(flags: RenderFlags): Promise<void> {
  if (flags.template === undefined) throw new FramefleetError('INVALID_ARGUMENT', '--batch needs --template');
  if (flags.outDir === undefined) throw new FramefleetError('INVALID_ARGUMENT', '--batch needs --out-dir');
  const file = flags.batch!;
  await statFile(file, 'batch file', 'a text file');
  const read = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new FramefleetError('INPUT_NOT_FOUND', `batch file ${show(file)} cannot be read`, { cause });
  });
  // A byte-order mark, as some Windows editors save text, is no part of the first line.
  const text = read.replace(/^\uFEFF/, '');
  const outDir = resolve(flags.outDir);
  // Like any output folder: a missing one is a usage error before any work (a typo is not created).
  const dirInfo = await stat(outDir).catch(() => undefined);
  if (!dirInfo?.isDirectory())
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `--out-dir ${show(flags.outDir)}: ${dirInfo ? 'not a directory' : 'directory does not exist'}`,
    );
  const log = cliLogger({ silent: true, verbose: flags.verbose });
  const fleet = fleetRun({ prefix: 'ff', ...flags });
  const engine = fleet
    ? await openRedisBackend({
        redisUrl: fleet.redisUrl,
        connectTimeoutMs: redisConnectTimeoutMs(),
        retry: configuredRetry(),
        prefix: fleet.prefix,
        storageUrl: fleet.storageUrl,
        log,
      })
    : {
        backend: await openLocalBackend({
          dataDir: resolve(flags.dataDir ?? defaultDataDir()),
          cpuSlots: flags.workers ?? availableParallelism(),
          gpuSlots: flags.gpuSlots,
          log,
          candidates: candidatesFor({ encoder: flags.encoder ?? 'auto', codec: 'h264', hwaccel: 'auto' }),
          keepIntermediates: flags.keepIntermediates,
          retry: configuredRetry(),
        }),
      };
  const backend: Backend = engine.backend;
  const started = Date.now();
  const statuses: LineStatus[] = [];
  const pending: { status: LineStatus; job: Promise<JobRecord> }[] = [];
  try {
    for (const [i, raw] of text.split('\n').entries()) {
      if (raw.trim() === '') continue;
      const line = i + 1;
      const output = join(outDir, `${String(line).padStart(4, '0')}.mp4`);
      const status: LineStatus = { line, output, state: 'failed' };
      statuses.push(status);
      try {
        const data = JSON.parse(raw) as unknown;
        const spec = renderSpecFrom(data, dirname(resolve(file)), output, flags);
        if (!fleet)
          await checkOutputTarget(spec.output, [], {
            overwrite: spec.overwrite,
            overwriteHint: OVERWRITE_HINT,
          });
        const submitted = await backend.submit(
          'render',
          spec,
          fleet ? { priority: fleet.priority } : undefined,
        );
        status.jobId = submitted.id;
        pending.push({ status, job: backend.wait(submitted.id) });
      } catch (error) {
        const e =
          error instanceof SyntaxError
            ? new FramefleetError('INVALID_JSON', `not JSON: ${error.message}`)
            : toFramefleetError(error);
        Object.assign(status, { code: e.code, message: e.message });
        report(status, flags);
      }
    }
    for (const { status, job } of pending) {
      const done = await job;
      if (done.warnings?.length) status.warnings = done.warnings;
      if (done.state === 'done') {
        const result = done.result as StitchOutput;
        Object.assign(status, { state: 'done', frames: result.frames, seconds: result.videoDurationSec });
      } else {
        Object.assign(status, {
          code: done.error?.code ?? 'INTERNAL',
          message: done.error?.message ?? done.state,
        });
      }
      report(status, flags);
    }
  } finally {
    await ('close' in engine ? engine.close() : backend.close());
  }
  const ok = statuses.filter((s) => s.state === 'done').length;
  const wallSec = (Date.now() - started) / 1000;
  const summary = {
    type: 'summary',
    videos: statuses.length,
    done: ok,
    failed: statuses.length - ok,
    wallSec,
    videosPerHour: (ok * 3600) / wallSec,
  };
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(summary)}\n`
      : `${ok}/${statuses.length} videos rendered in ${wallSec.toFixed(1)} s (${summary.videosPerHour.toFixed(0)} videos/hour)\n`,
  );
  if (ok < statuses.length) process.exitCode = 1;
}

function report(s: LineStatus, flags: RenderFlags): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ type: 'video', ...s })}\n`);
    return;
  }
  for (const w of s.warnings ?? []) process.stderr.write(`line ${s.line}: warning: ${w}\n`);
  if (s.state === 'done')
    process.stdout.write(
      `line ${s.line}: done ${s.output} (${s.frames} frames, ${s.seconds?.toFixed(2)} s)\n`,
    );
  else process.stdout.write(`line ${s.line}: failed: ${s.message} [${s.code}]\n`);
}
