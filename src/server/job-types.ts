import type { z } from 'zod';
import { FramefleetError, redactUrl, show } from '../errors.js';
import { transcodeSpecSchema } from '../pipelines/transcode/spec.js';
import { isStorageUrl, looksLikeUrl, storageKeyOf } from '../storage/media-io.js';
import type { Storage } from '../storage/types.js';
import { confineInput, confineOutput, type Confinement } from './confine.js';

/** A job type as the API sees it: its spec schema and which spec fields name files. */
export interface JobTypeDef {
  type: string;
  description: string;
  schema: z.ZodType;
  /** Spec fields holding an input path or URL; each is confined before the job is created. */
  inputFields: readonly string[];
  /** Spec fields holding an output path. */
  outputFields: readonly string[];
}

export const transcodeJobType: JobTypeDef = {
  type: 'transcode',
  description: 'split into segments, encode them in parallel, stitch and verify',
  schema: transcodeSpecSchema,
  inputFields: ['input'],
  outputFields: ['output'],
};

/** Every job type the API accepts today; later pipelines add their definition here. */
export const DEFAULT_JOB_TYPES: readonly JobTypeDef[] = [transcodeJobType];

/**
 * Confines a spec's path fields and returns a copy with them canonicalised (real paths), so what
 * the job reads and writes is exactly what was checked. An http(s) input goes to `download`, which
 * checks the host allowlist and returns a local copy: ffmpeg only ever opens local files. An s3://
 * URL under the server's own storage names an object the workers read from there.
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
    if (typeof value !== 'string' || inStorage(value, storage)) continue;
    if (looksLikeUrl(value)) {
      throw new FramefleetError(
        'PATH_FORBIDDEN',
        `output ${show(redactUrl(value))} must be a path or an s3:// URL under the server's storage`,
      );
    }
    out[field] = await confineOutput(value, confinement.outputRoots);
  }
  for (const field of def.inputFields) {
    const value = spec[field];
    if (typeof value !== 'string' || inStorage(value, storage)) continue;
    const local = looksLikeUrl(value) ? await download(value) : value;
    out[field] = await confineInput(local, confinement.inputRoots);
  }
  return out;
}

/**
 * True for an s3:// URL naming an object in the server's own storage (workers read and write it
 * there, so it stays as it is); an s3:// URL outside that storage is refused here.
 */
function inStorage(value: string, storage: Storage | undefined): boolean {
  if (!storage || !isStorageUrl(value)) return false;
  storageKeyOf(value, storage);
  return true;
}
