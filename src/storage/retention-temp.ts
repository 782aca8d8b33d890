import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_MARKER } from './keys.js';
import type { S3Storage } from './s3-storage.js';

/**
 * Temp files a sweep removes beside the listed keys: half-written files a killed process left in file
 * storage (their names carry TEMP_MARKER and are never listed), per-attempt scratch folders fleet
 * workers keep on their own disk, and multipart uploads to S3 that never completed.
 */
export interface TempRemoval {
  path: string;
  bytes: number;
}

/** Files under `root` whose names carry TEMP_MARKER, untouched since `cutoffMs` (symlinks not followed). */
export async function sweepTempNames(
  root: string,
  cutoffMs: number,
  dryRun: boolean,
): Promise<TempRemoval[]> {
  const removed: TempRemoval[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.includes(TEMP_MARKER)) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path).catch(() => undefined);
    if (!info || info.mtimeMs >= cutoffMs) continue;
    if (!dryRun) await rm(path, { force: true });
    removed.push({ path, bytes: info.size });
  }
  return removed;
}

/**
 * Folders two levels under `root` (<root>/<worker>/<job's attempts>, or an attempt folder of an
 * older layout) whose newest file is older than the cutoff: a worker's scratch root, where a live
 * attempt keeps writing and a dead one stops.
 */
export async function sweepScratchRoot(
  root: string,
  cutoffMs: number,
  dryRun: boolean,
): Promise<TempRemoval[]> {
  const removed: TempRemoval[] = [];
  for (const owner of await subfolders(root)) {
    for (const attempt of await subfolders(owner)) {
      const { newestMs, bytes } = await newest(attempt);
      if (newestMs >= cutoffMs) continue;
      if (!dryRun) await rm(attempt, { recursive: true, force: true });
      removed.push({ path: attempt, bytes });
    }
  }
  return removed;
}

/** Multipart uploads under the storage's prefix started before the cutoff and never completed. */
export async function sweepS3Uploads(
  storage: S3Storage,
  cutoffMs: number,
  dryRun: boolean,
): Promise<TempRemoval[]> {
  // The SDK loads only when the storage is S3.
  const { AbortMultipartUploadCommand, ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
  const removed: TempRemoval[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await storage.client
      .send(
        new ListMultipartUploadsCommand({
          Bucket: storage.bucket,
          Prefix: storage.prefix ? `${storage.prefix}/` : undefined,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      )
      .catch((error: unknown) => {
        // Some S3 look-alikes (s3rver) have no listing of uploads: their lifecycle rule is the way.
        if ((error as { name?: string }).name === 'NotImplemented') return undefined;
        throw error;
      });
    if (!page) return removed;
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || (upload.Initiated?.getTime() ?? Infinity) >= cutoffMs) continue;
      if (!dryRun)
        await storage.client.send(
          new AbortMultipartUploadCommand({
            Bucket: storage.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
      removed.push({ path: `s3://${storage.bucket}/${upload.Key}`, bytes: 0 });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return removed;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
}

async function newest(dir: string): Promise<{ newestMs: number; bytes: number }> {
  let newestMs = (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0;
  let bytes = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const info = await stat(join(entry.parentPath, entry.name)).catch(() => undefined);
    if (!info) continue;
    newestMs = Math.max(newestMs, info.mtimeMs);
    if (entry.isFile()) bytes += info.size;
  }
  return { newestMs, bytes };
}
