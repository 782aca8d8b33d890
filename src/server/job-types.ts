import path from 'node:path';
import { FramefleetError, redactUrl, show } from '../errors.js';
import { statFile } from '../media/input-file.js';
import { JOB_TYPES, type JobType } from '../pipelines/job-types.js';
import { confinedStorageKey, isStorageUrl, looksLikeUrl } from '../storage/media-io.js';
import { checkOutputTarget } from '../storage/output-target.js';
import type { Storage } from '../storage/types.js';
import { confineInput, confineOutput, type Confinement } from './confine.js';

/** A job type as the API sees it: the one registration (see pipelines/job-types.ts). */
export type JobTypeDef = JobType;

/** Every job type the API accepts: all that framefleet registers. */
export const DEFAULT_JOB_TYPES: readonly JobTypeDef[] = JOB_TYPES;

/**
 * Confines a spec's path fields and returns a copy with them canonicalised (real paths), so what
 * the job reads and writes is exactly what was checked. An http(s) input goes to `download`, which
 * checks the host allowlist and returns a local copy: ffmpeg only ever opens local files. An s3://
 * URL under the server's own storage names an object the workers read from there, never one in
 * framefleet's own folders there (nor, for an output, in `uploads/`).
 */
export async function confineSpec(
  def: JobTypeDef,
  spec: Record<string, unknown>,
  confinement: Confinement,
  download: (url: string) => Promise<string>,
  storage?: Storage,
): Promise<Record<string, unknown>> {
  const out = { ...spec };
  // Outputs first: a forbidden output must not cost a download.
  for (const field of def.outputFields) {
    const value = spec[field];
    if (typeof value !== 'string' || inStorage(value, storage, 'output')) continue;
    if (looksLikeUrl(value)) {
      throw new FramefleetError(
        'PATH_FORBIDDEN',
        `output ${show(redactUrl(value))} must be a path or an s3:// URL under the server's storage`,
      );
    }
    out[field] = await confineOutput(value, confinement.outputRoots);
  }
  const confineOne = async (value: string, what?: string) => {
    if (inStorage(value, storage, 'input', what)) return value;
    const local = looksLikeUrl(value) ? await download(value) : value;
    return confineInput(local, confinement.inputRoots, what);
  };
  // A local input must be a file (a folder only where the field takes folders): said at submit (400),
  // not as the job's failure once queued (a new user's trial got 202 for a folder).
  const aFile = async (value: string) => {
    const real = await confineOne(value);
    if (!looksLikeUrl(real)) await statFile(real, 'input', 'a media file');
    return real;
  };
  for (const field of def.inputFields) {
    const value = spec[field];
    const folders = def.expandFolders?.field === field ? def.expandFolders.expand : undefined;
    if (typeof value === 'string') out[field] = await aFile(value);
    else if (Array.isArray(value)) {
      let confined: unknown[] = [];
      const one = folders ? confineOne : aFile;
      for (const item of value) confined.push(typeof item === 'string' ? await one(item) : item);
      if (folders) {
        // A folder inside the roots stands for its files, each confined in turn (a link may lead out).
        // Each folder is read once and the count held to the field's bound as it grows: 512 names
        // of one 30,000-file folder confined 15 million files (13 minutes, 1.9 GB) before the
        // spec's bound refused them.
        const items = confined;
        const most = def.expandFolders!.most;
        const seen = new Set<string>();
        confined = [];
        for (const item of items) {
          if (typeof item !== 'string' || !path.isAbsolute(item)) confined.push(item);
          else if (!seen.has(item)) {
            seen.add(item);
            for (const file of await folders([item])) {
              if (seen.has(file) && file !== item) continue;
              seen.add(file);
              if (most !== undefined && confined.length >= most) {
                throw new FramefleetError(
                  'INVALID_SPEC',
                  `invalid ${def.type} spec at ${field}: expected at most ${most} files, folders expanded; got more`,
                );
              }
              confined.push(await confineOne(file));
            }
          }
        }
      }
      out[field] = confined;
    }
  }
  if (def.mapInputs) {
    // Nested paths: the same checks, named by their place in the spec; the copy gets the real paths.
    const found: { path: string; where: string }[] = [];
    def.mapInputs(out, (p, where) => (found.push({ path: p, where }), p));
    const real = new Map<string, string>();
    for (const { path: p, where } of found)
      if (!real.has(p)) real.set(p, await confineOne(p, `input ${where}`));
    const copy = structuredClone(out);
    def.mapInputs(copy, (p) => real.get(p) ?? p);
    return copy;
  }
  return out;
}

/**
 * True for an s3:// URL naming an object in the server's own storage (workers read and write it
 * there, so it stays as it is); one outside that storage, or in framefleet's own folders there
 * (confinedStorageKey, as for a path in the data dir), is refused here.
 */
function inStorage(
  value: string,
  storage: Storage | undefined,
  side: 'input' | 'output',
  what?: string,
): boolean {
  if (!storage || !isStorageUrl(value)) return false;
  confinedStorageKey(value, storage, side, what);
  return true;
}

/**
 * Refuses at submit what the job would refuse when it writes: an output that is one of its inputs,
 * or one that exists without `overwrite: true` (409). The job checks again when it publishes.
 */
export async function checkOutputs(
  def: JobTypeDef,
  spec: Record<string, unknown>,
  storage: Storage,
): Promise<void> {
  const inputs = def.inputFields.flatMap((f) => {
    const value = spec[f];
    return typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === 'string')
        : [];
  });
  for (const field of def.outputFields) {
    const value = spec[field];
    if (typeof value !== 'string') continue;
    await checkOutputTarget(value, inputs, { overwrite: spec.overwrite === true, storage });
  }
}
