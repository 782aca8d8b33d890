// The source's side of a seam check as a task of its own: it decodes the source's frames around
// each seam beside the segment encodes and stores them (a few small gray pictures) in the job's
// storage, where the stitch, on any machine, reads them instead of decoding the source itself.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { SEAM_PICTURE } from '../../media/seam-frames.js';
import { isStorageUrl, storageKeyOf } from '../../storage/media-io.js';
import { withInput } from '../job-files.js';
import type { SeamPlan } from './seam-check.js';
import { decodeSourceSeams, type SourcePictures } from './seam-source.js';

export interface SeamPicturesPayload {
  input: string;
  check: SeamPlan;
  key: string;
}

/**
 * The stored pictures: per seam, the source's frames before, at and after it, SEAM_PICTURE gray,
 * one after the other (`missing`: the slots a decode cut short left as zeros). Or why none were
 * decoded, which the stitch says at debug and passes, as its own check would.
 */
export type SeamPicturesOutput =
  | { key: string; size: number; sha256: string; seams: number; missing?: number[] }
  | { skipped: string; failed?: true };

const PICTURE_BYTES = SEAM_PICTURE.width * SEAM_PICTURE.height;

export const seamPictures: Executor<SeamPicturesPayload, SeamPicturesOutput> = async (p, ctx) => {
  if (isStorageUrl(p.input) && !ctx.storage.localPath(storageKeyOf(p.input, ctx.storage)))
    return { skipped: 'the source is stored elsewhere: checking would download it' };
  const started = Date.now();
  let failure = '';
  const pictures = await withInput(p.input, ctx, (local) =>
    decodeSourceSeams(p.check, local, ctx.signal),
  ).catch((error: unknown) => {
    if (ctx.signal.aborted) throw error;
    // The check's own decode failing is no evidence against the output (the encodes judge the
    // input, and say so if it is bad): the stitch warns that it was skipped, if it gets that far.
    failure = (error as Error).message;
    return undefined;
  });
  if (!pictures) return { skipped: failure || 'the source could not be decoded for it', failed: true };
  const { bytes, missing } = packPictures(pictures);
  const tmp = join(ctx.scratchDir, basename(p.key));
  await writeFile(tmp, bytes);
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  const ms = Date.now() - started;
  ctx.log.debug({ jobId: ctx.jobId, taskId: ctx.taskId }, `seam check: the source's pictures in ${ms} ms`);
  return {
    key: p.key,
    size: stored.size,
    sha256: sha256(bytes),
    seams: pictures.length,
    ...(missing.length ? { missing } : {}),
  };
};

/** Stored pictures count only if the object is there with the same size (and, locally, content). */
export const verifySeamPictures: CheckpointVerifier<SeamPicturesPayload, SeamPicturesOutput> = async (
  _p,
  out,
  { storage },
) => {
  if (!out) return false;
  // A skip for a reason of the plan holds; a decode that failed is tried again on resume.
  if ('skipped' in out) return !out.failed;
  const object = await storage.stat(out.key);
  if (object?.size !== out.size) return false;
  const local = storage.localPath(out.key);
  return !local || sha256(await readFile(local)) === out.sha256;
};

/** The pictures a seam-pictures task stored, checked against its hash. */
export async function storedSourceSeams(
  out: Exclude<SeamPicturesOutput, { skipped: string }>,
  ctx: ExecutorContext,
): Promise<SourcePictures> {
  const path =
    ctx.storage.localPath(out.key) ??
    (await ctx.storage.fetch(out.key, join(ctx.scratchDir, basename(out.key))));
  const bytes = await readFile(path);
  if (sha256(bytes) !== out.sha256) throw new Error(`${out.key} is not the pictures its task stored`);
  return unpackPictures(bytes, out.seams, out.missing ?? []);
}

/** One buffer of every seam's three pictures, zeros where one is missing. Pure. */
export function packPictures(pictures: SourcePictures): { bytes: Uint8Array; missing: number[] } {
  const bytes = new Uint8Array(pictures.length * 3 * PICTURE_BYTES);
  const missing: number[] = [];
  for (const [i, seam] of pictures.entries()) {
    for (let k = 0; k < 3; k++) {
      const picture = seam[k];
      if (picture?.length === PICTURE_BYTES) bytes.set(picture, (i * 3 + k) * PICTURE_BYTES);
      else missing.push(i * 3 + k);
    }
  }
  return { bytes, missing };
}

/** The inverse of packPictures. Pure. */
export function unpackPictures(bytes: Uint8Array, seams: number, missing: readonly number[]): SourcePictures {
  if (bytes.length !== seams * 3 * PICTURE_BYTES)
    throw new Error(`expected ${seams * 3} seam pictures, got ${bytes.length} bytes`);
  const gone = new Set(missing);
  return Array.from({ length: seams }, (_s, i) =>
    [0, 1, 2].map((k) => {
      const slot = i * 3 + k;
      return gone.has(slot) ? undefined : bytes.subarray(slot * PICTURE_BYTES, (slot + 1) * PICTURE_BYTES);
    }),
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
