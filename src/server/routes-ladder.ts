import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError, show } from '../errors.js';
import { INIT_NAME, MEDIA_PLAYLIST } from '../pipelines/transcode/ladder-package.js';
import { renditionDir } from '../pipelines/transcode/ladder-publish.js';
import type { LadderOutput } from '../pipelines/transcode/ladder-payloads.js';
import type { ServerContext } from './context.js';
import { publicScope } from './route-access.js';
import { sendLocalFile } from './send-file.js';

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
};

/** hls.js's browser build, served to the dashboard from the installed package (no CDN). */
function hlsJsPath(): string {
  const main = createRequire(import.meta.url).resolve('hls.js');
  return path.join(path.dirname(main), 'hls.min.js');
}

type LadderResult = Pick<LadderOutput, 'output' | 'renditions'> & Partial<LadderOutput>;

/**
 * Whether `rel` names a file the finished ladder published: one of its manifests, or in one of its
 * rendition folders (the audio's only where it has audio) the media playlist, the init segment or
 * a media segment `seg-NNNNN.m4s` it made (numbered from 0, as many as the result counts: the
 * audio's own count, or in older records the video's). Anything else a folder holds (a user's
 * file, a segment of another ladder) is not the job's and is not served. Pure.
 */
export function ladderFileOf(result: LadderResult, rel: string): boolean {
  const parts = rel.split('/');
  const manifests = (result.manifests ?? [result.output]).map((m) => path.basename(m));
  if (parts.length === 1) return manifests.includes(parts[0]!);
  if (parts.length !== 2) return false;
  const [dir, name] = parts as [string, string];
  const rendition = [
    ...result.renditions.map((r) => ({ name: r.name, count: result.segments })),
    ...(result.audioDurationSec === undefined
      ? []
      : [{ name: 'audio', count: result.audioSegments ?? result.segments }]),
  ].find((r) => renditionDir(result.output, r.name) === dir);
  if (!rendition) return false;
  if (name === MEDIA_PLAYLIST || name === INIT_NAME) return true;
  const digits = /^seg-(\d{5,})\.m4s$/.exec(name)?.[1];
  if (digits === undefined || rendition.count === undefined) return false;
  const index = Number(digits);
  return index < rendition.count && digits === String(index).padStart(5, '0');
}

/**
 * A finished ladder's files, for the dashboard's player: the manifests and the files in its own
 * rendition folders, nothing else, opened inside the output roots (behind the token like /v1).
 */
export function ladderRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await app.register(async (web) => {
      publicScope(web);
      web.get('/vendor/hls.min.js', async (_request, reply) => {
        const file = await open(hlsJsPath(), constants.O_RDONLY);
        return reply.type('text/javascript').send(file.createReadStream());
      });
    });
    app.get<{ Params: { id: string; '*': string } }>('/v1/jobs/:id/ladder/*', async (request, reply) => {
      const job = await ctx.backend.get(request.params.id);
      if (!job) throw new FramefleetError('NOT_FOUND', `no job ${show(request.params.id)}`);
      const result = job.result as Partial<LadderOutput> | undefined;
      if (job.state !== 'done' || !result?.renditions || !result.output) {
        throw new FramefleetError('NOT_FOUND', `job ${show(job.id)} has no finished ladder`);
      }
      const rel = request.params['*'];
      if (!ladderFileOf(result as LadderResult, rel))
        throw new FramefleetError('NOT_FOUND', `job ${show(job.id)} has no ladder file ${show(rel)}`);
      return sendLocalFile(request, reply, {
        path: path.join(path.dirname(result.output), rel),
        roots: ctx.confinement.outputRoots,
        what: `ladder file ${show(rel)} of job ${show(job.id)}`,
        type: TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream',
      });
    });
  };
}
