import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError, show } from '../errors.js';
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
      const manifests = (result.manifests ?? [result.output]).map((m) => path.basename(m));
      const dirs = [...result.renditions.map((r) => r.name), 'audio'].map((n) =>
        renditionDir(result.output!, n),
      );
      const [first, second, extra] = rel.split('/');
      const allowed =
        (second === undefined && manifests.includes(first!)) ||
        (extra === undefined && dirs.includes(first!) && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(second ?? ''));
      if (!allowed)
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
