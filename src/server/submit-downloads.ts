import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, redactUrl, show } from '../errors.js';
import type { ServerContext } from './context.js';
import { fetchInput } from './fetch-input.js';

/**
 * The downloads of one submit: every http(s) input of the spec together may bring in at most
 * `--max-upload-mb` (as one upload may), so a spec naming hundreds of URLs (a montage's clips, a
 * render's narration) cannot fill the disk with one request. `discard` removes what was
 * downloaded when the submit is refused after all, so nothing is left half-done.
 */
export function submitDownloads(ctx: ServerContext) {
  const limit = ctx.maxUploadBytes;
  let used = 0;
  const stored: string[] = [];
  return {
    async download(url: string): Promise<string> {
      if (used >= limit) {
        throw new FramefleetError(
          'PAYLOAD_TOO_LARGE',
          `input ${show(redactUrl(url))} is not downloaded: this job's URL inputs already reach the limit of ${limit} bytes together`,
        );
      }
      const local = await fetchInput(url, {
        storage: ctx.storage,
        allowHosts: ctx.confinement.allowHosts,
        maxBytes: limit - used,
      });
      stored.push(local);
      used += (await stat(local)).size;
      return local;
    },
    /** Removes every download of this submit (each sits alone in its uploads/<uuid>/ folder). */
    async discard(): Promise<void> {
      for (const local of stored) await rm(path.dirname(local), { recursive: true, force: true });
    },
  };
}
