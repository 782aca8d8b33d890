import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { duplicateKey, duplicateKeyWords } from '../pipelines/json-keys.js';
import { candidatesFor, parseHwaccelPolicy } from '../media/encoders/select.js';
import { statFile } from '../media/input-file.js';
import { mapSpecPaths } from '../pipelines/render/paths.js';
import { specPaths } from '../pipelines/render/spec-files.js';
import { parseRenderSpec, type RenderSpec } from '../pipelines/render/spec.js';
import { defaultDataDir } from '../runtime/local.js';
import { checkOutputTarget } from '../storage/output-target.js';
import { OVERWRITE_HINT, outputArgument, outputMode } from './common.js';
import { reportTranscode } from './job-report.js';
import { runLocalJob } from './local-job.js';
import { fleetRun } from './redis-options.js';
import type { RenderFlags } from './render.js';

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A path a spec file names: a URL or an absolute path as it is, else relative to the file's folder. */
function fromSpecFile(base: string, p: string): string {
  return URL_PATH.test(p) || isAbsolute(p) ? p : resolve(base, p);
}

/** Reads a JSON file given on the command line; a bad one is a usage error naming it. */
export async function readJson(path: string, what: string): Promise<unknown> {
  // Missing or a directory: refused as any command's input is, naming which.
  await statFile(path, what, 'a JSON file');
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(path)} cannot be read`, { cause });
  });
  // A byte-order mark, as some Windows editors save JSON, is no part of it.
  const json = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(json) as unknown;
  } catch (error) {
    throw new FramefleetError(
      'INVALID_JSON',
      `${what} ${show(path)} is not JSON: ${(error as Error).message}`,
    );
  }
  const twice = duplicateKey(json);
  if (twice)
    throw new FramefleetError('INVALID_JSON', `${what} ${show(path)} has ${duplicateKeyWords(twice)}`);
  return value;
}

/**
 * The validated spec for one video: a timeline file as it is, or template data wrapped in
 * {template, quiz}; flags override size, rate and encoder; relative paths inside are relative to
 * the file that names them.
 */
export function renderSpecFrom(data: unknown, base: string, output: string, flags: RenderFlags): RenderSpec {
  const object =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  if (!object)
    throw new FramefleetError('INVALID_SPEC', 'invalid render spec at (top level): expected a JSON object');
  const raw: Record<string, unknown> =
    flags.template !== undefined ? { template: flags.template, quiz: object } : { ...object };
  for (const key of ['width', 'height', 'fps', 'encoder'] as const)
    if (flags[key] !== undefined) raw[key] = flags[key];
  raw.output = URL_PATH.test(output) ? output : resolve(output);
  raw.overwrite = flags.overwrite ?? raw.overwrite ?? false;
  raw.hwaccel ??= parseHwaccelPolicy(process.env.FFMPEG_HWACCEL);
  const spec = parseRenderSpec(raw);
  return mapSpecPaths(spec, (p) => fromSpecFile(base, p));
}

export async function renderCommand(file: string | undefined, flags: RenderFlags): Promise<void> {
  if (flags.batch !== undefined) {
    const { renderBatch } = await import('./render-batch.js');
    return renderBatch(flags);
  }
  if (file === undefined)
    throw new FramefleetError('INVALID_ARGUMENT', 'missing the spec file (or --batch FILE with --template)');
  const data = await readJson(file, flags.template ? 'template data' : 'render spec');
  const base = dirname(resolve(file));
  // -o wins; else the spec's own `output` (the schema has it), relative to the spec file.
  const named = flags.template === undefined ? (data as { output?: unknown } | null)?.output : undefined;
  // A directory, or a name ending in a slash, is refused as every command's -o is (it was written
  // as the name without its slash); join, not fromSpecFile, whose resolve() drops that slash.
  const checked = (path: string, what: string) => (URL_PATH.test(path) ? path : outputArgument(path, what));
  const output =
    flags.output !== undefined
      ? checked(flags.output, '--output')
      : typeof named === 'string' && named !== ''
        ? checked(
            URL_PATH.test(named) || isAbsolute(named) ? named : join(base, named),
            "the spec's `output`",
          )
        : undefined;
  if (output === undefined)
    throw new FramefleetError('INVALID_ARGUMENT', 'missing -o/--output (or an `output` in the spec)');
  const spec = renderSpecFrom(data, base, output, flags);
  const fleet = fleetRun({ prefix: 'ff', ...flags });
  const started = Date.now();
  if (fleet) {
    // BullMQ and ioredis load only for a fleet run (about 130 ms of a local run's start-up otherwise).
    const { runFleetJob } = await import('./fleet-job.js');
    const job = await runFleetJob((backend, priority) => backend.submit('render', spec, { priority }), {
      ...fleet,
      mode: outputMode(flags),
      verbose: flags.verbose,
    });
    if (job) reportTranscode(job, started, flags);
    return;
  }
  await checkOutputTarget(spec.output, specPaths(spec), {
    overwrite: spec.overwrite,
    overwriteHint: OVERWRITE_HINT,
  });
  const job = await runLocalJob((backend) => backend.submit('render', spec), {
    dataDir: resolve(flags.dataDir ?? defaultDataDir()),
    cpuSlots: flags.workers ?? availableParallelism(),
    gpuSlots: flags.gpuSlots,
    candidates: candidatesFor({ encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel }),
    keepIntermediates: flags.keepIntermediates,
    mode: outputMode(flags),
    verbose: flags.verbose,
  });
  reportTranscode(job, started, flags);
}
