import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, type Harness } from './harness.js';
import { escapeSegments } from './path-encodings.js';
import { rawRequest } from './raw-http.js';
import { sampleClip } from '../helpers/media.js';

async function post(h: Harness, spec: Record<string, unknown>) {
  const r = await fetch(`${h.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'transcode', spec }),
  });
  return {
    status: r.status,
    body: (await r.json()) as JobRecord & { error?: { code: string; message: string } },
  };
}

interface PlayerState {
  time: number;
  frames: number;
  height: number;
  level: number;
  switches: number[];
  errors: string[];
  messages: string[];
}

describe('ladder preview in headless Chromium (hls.js)', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    [h, browser] = await Promise.all([
      startServer({ workers: 2 }),
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('refuses bad ladder specs at submit with a stable code', async () => {
    const input = path.join(h.inputDir, 'none.mp4');
    const bad = [
      { output: path.join(h.outputDir, 'x.mp4'), ladder: [{ height: 240 }] },
      { output: path.join(h.outputDir, 'x.m3u8'), ladder: [{ height: 240 }], packages: ['smooth'] },
    ];
    for (const spec of bad) {
      const r = await post(h, { input, ...spec });
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('INVALID_SPEC');
    }
  });

  it('plays the ladder, switches rungs on demand, with no media errors and frames advancing', async () => {
    const clip = await sampleClip({
      path: path.join(h.inputDir, 'ladder.mp4'),
      width: 320,
      height: 240,
      fps: 25,
      scenes: [2, 2, 2],
    });
    const output = path.join(h.outputDir, 'master.m3u8');
    const submit = await post(h, {
      input: clip.path,
      output,
      ladder: [{ height: 240 }, { height: 120, bitrateKbps: 150 }],
      segmentSeconds: 1,
      preset: 'fast',
    });
    expect(submit.status, JSON.stringify(submit.body)).toBe(202);
    let job: JobRecord | undefined;
    for (const until = Date.now() + 240_000; Date.now() < until;) {
      job = (await (await fetch(`${h.url}/v1/jobs/${submit.body.id}`)).json()) as JobRecord;
      if (['done', 'failed', 'cancelled'].includes(job.state)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(job?.state, JSON.stringify(job?.error)).toBe('done');
    // Only the ladder's own files are served: every escape is 400 or 404.
    expect((await fetch(`${h.url}/v1/jobs/${job!.id}/ladder/..%2Fladder.mp4`)).status).toBe(404);
    for (const [name, segment] of escapeSegments(clip.path, 'master.m3u8')) {
      const r = await rawRequest(h.url, { target: `/v1/jobs/${job!.id}/ladder/${segment}` });
      expect([400, 404], `${name}: ${r.status} ${r.body.slice(0, 120)}`).toContain(r.status);
    }
    expect((await fetch(`${h.url}/v1/jobs/${job!.id}/ladder/master-240p/index.m3u8`)).status).toBe(200);
    const manifest = await fetch(`${h.url}/v1/jobs/${job!.id}/output`);
    expect(manifest.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');

    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${h.url}/#/jobs/${job!.id}`);
    // The test's TS has no DOM types: browser-side code goes in as source text.
    const supported = await page.evaluate('MediaSource.isTypeSupported(\'video/mp4; codecs="avc1.64000d"\')');
    expect(supported, 'this Chromium cannot decode H.264 in MSE').toBe(true);
    await page.waitForSelector('[data-testid=ladder-level-120]', { timeout: 20_000 });
    // Its pieces are its chunks (stretches of the source, each encoded to every rendition), its size
    // every file's.
    const chunks = job!.tasks.filter((t) => t.kind === 'transcode.ladder-chunk').length;
    expect(chunks).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=segments-done]')).toBe(`${chunks} / ${chunks}`);
    const result = job!.result as { size: number; totalBytes: number };
    expect(result.totalBytes).toBeGreaterThan(50 * result.size);
    const shown = (await page.textContent('[data-testid=result-size]')) ?? '';
    expect(shown, "the size shown is the ladder's, not its master playlist's").toMatch(
      /^\d+(\.\d+)? (KiB|MiB)$/,
    );
    expect(Number.parseFloat(shown) * (shown.endsWith('MiB') ? 1024 : 1)).toBeGreaterThan(
      result.totalBytes / 1024 / 2,
    );
    const read = () =>
      page.evaluate(`(() => {
        const card = document.querySelector('[data-testid=ladder-preview]');
        const video = card.querySelector('video');
        return {
          time: video.currentTime,
          frames: video.getVideoPlaybackQuality().totalVideoFrames,
          height: video.videoHeight,
          level: card.ladder.level,
          switches: [...card.ladder.switches],
          errors: [...card.ladder.errors],
          messages: [...card.ladder.messages],
        };
      })()`) as Promise<PlayerState>;
    const waitFor = async (ok: (s: PlayerState) => boolean, what: string): Promise<PlayerState> => {
      let s = await read();
      for (const until = Date.now() + 20_000; !ok(s) && Date.now() < until;) {
        await new Promise((r) => setTimeout(r, 200));
        s = await read();
      }
      expect(ok(s), `${what}: ${JSON.stringify(s)}`).toBe(true);
      return s;
    };
    const start = await waitFor((s) => s.time > 1 && s.height > 0, 'playing');
    await page.click('[data-testid=ladder-level-120]');
    const low = await waitFor((s) => s.height === 120 && s.time > start.time + 0.5, 'switched down to 120p');
    await page.click('[data-testid=ladder-level-240]');
    const high = await waitFor((s) => s.height === 240 && s.time > low.time + 0.5, 'switched up to 240p');
    expect(high.frames).toBeGreaterThan(low.frames);
    expect(low.frames).toBeGreaterThan(start.frames);
    expect(high.switches.length).toBeGreaterThanOrEqual(2);
    // Non-fatal, and not the stream's: hls.js stalls (`bufferStalledError`) where a loaded machine
    // cannot feed its buffer in time (seen once in CI beside the whole suite), and stepped over a
    // hole (`bufferSeekOverHole`) at the start when the video track began 2 frames after the audio
    // (before each track's timestamps were kept unshifted). A fragment whose append did not grow the
    // buffer (`bufferAppendNoProgress`, seen once in CI beside the whole suite) is the same kind:
    // a rung pinned by `currentLevel` flushes the buffer while a fragment may still be appending,
    // and hls.js answers all three by doing nothing. Frames advancing is checked above.
    const benign = [
      'mediaError:bufferSeekOverHole',
      'mediaError:bufferStalledError',
      'mediaError:bufferAppendNoProgress',
    ];
    const errors = high.errors.filter((e) => !benign.includes(e));
    expect(
      errors.filter((e) => e.startsWith('mediaError') || e.includes('fatal')),
      high.messages.join('; '),
    ).toEqual([]);
    expect(pageErrors).toEqual([]);
    process.stdout.write(`ladder preview: ${JSON.stringify({ start, low, high })}\n`);
  }, 360_000);
});
