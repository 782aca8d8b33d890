import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg } from '../helpers/media.js';
import { uniquePrefix } from '../integration/redis-fixtures.js';
import { readSse, startServer, type Harness } from './harness.js';

const HDR = /is HDR \(transfer smpte2084\) and libx264 encodes it as 8-bit yuv420p without tone mapping/;

/** A 10-bit PQ clip: planned to 8-bit H.264, the job warns that it is not tone-mapped. */
async function hdrClip(file: string): Promise<void> {
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=d=2:s=160x120:r=25'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le'],
    ...['-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-y', file],
  ]);
}

/** Submits a transcode and follows it to its end; the job's JSON as GET /v1/jobs/:id serves it. */
async function transcodeJob(url: string, input: string, output: string): Promise<JobRecord> {
  const submit = await fetch(`${url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'transcode', spec: { input, output, segments: 2, preset: 'fast' } }),
  });
  expect(submit.status).toBe(202);
  const { id } = (await submit.json()) as JobRecord;
  const events = await readSse(`${url}/v1/jobs/${id}/events`);
  expect(events.at(-1)?.event).toBe('done');
  return (await (await fetch(`${url}/v1/jobs/${id}`)).json()) as JobRecord;
}

// A plan's warnings (an HDR source made 8-bit without tone mapping) were only logged: the job's
// record, its JSON, `jobs show` and the dashboard said nothing of them.
describe('a job keeps its plan warnings', () => {
  describe('on the embedded engine', () => {
    let server: Harness;
    beforeAll(async () => {
      server = await startServer();
      await hdrClip(path.join(server.inputDir, 'hdr.mp4'));
    });
    afterAll(() => server?.close());

    it('in the job JSON and in `framefleet jobs show`', async () => {
      const job = await transcodeJob(
        server.url,
        path.join(server.inputDir, 'hdr.mp4'),
        path.join(server.outputDir, 'hdr.mp4'),
      );
      expect(job.state).toBe('done');
      expect(job.warnings).toEqual([expect.stringMatching(HDR)]);
      const shown = await runCli(['jobs', 'show', job.id, '--data-dir', server.dataDir]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(new RegExp(`^warning +input .*${HDR.source}`, 'm'));
      const json = await runCli(['jobs', 'show', job.id, '--data-dir', server.dataDir, '--json']);
      expect((JSON.parse(json.stdout) as JobRecord).warnings).toEqual(job.warnings);
    });

    it('none where the plan warned of nothing', async () => {
      await ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc2=d=2:s=160x120:r=25', '-c:v', 'libx264', '-preset', 'ultrafast'],
        ...['-y', path.join(server.inputDir, 'sdr.mp4')],
      ]);
      const job = await transcodeJob(
        server.url,
        path.join(server.inputDir, 'sdr.mp4'),
        path.join(server.outputDir, 'sdr.mp4'),
      );
      expect(job.state).toBe('done');
      expect(job.warnings).toBeUndefined();
    });
  });

  describe('on the Redis fleet engine', () => {
    const prefix = uniquePrefix('job-warnings');
    let dir: string;
    let url: string;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ dir, url, close } = await startServer({ redis: { prefix } }));
      await hdrClip(path.join(dir, 'in', 'hdr.mp4'));
    }, 60_000);

    afterAll(() => close?.());

    it('in the job JSON', async () => {
      const job = await transcodeJob(url, path.join(dir, 'in', 'hdr.mp4'), path.join(dir, 'out', 'hdr.mp4'));
      expect(job.state).toBe('done');
      expect(job.warnings).toEqual([expect.stringMatching(HDR)]);
    });
  });
});
