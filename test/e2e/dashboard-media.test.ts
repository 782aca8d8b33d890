import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMontageMusic } from '../../bench/lib/montage-media.js';
import type { JobRecord } from '../../src/engine/types.js';
import type { EditOutput, MontageResult } from '../../src/pipelines/montage/index.js';
import { startServer, type Harness } from './harness.js';
import { escapeSegments } from './path-encodings.js';
import { rawRequest } from './raw-http.js';
import { sampleClip } from '../helpers/media.js';

const TOKEN = 'dashboard-media-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Polls a page expression (source text: the test's TS has no DOM types) until it is truthy. */
async function until(page: Page, expression: string, what: string, ms = 20_000): Promise<unknown> {
  let value: unknown;
  for (const end = Date.now() + ms; Date.now() < end; await page.waitForTimeout(100)) {
    value = await page.evaluate(expression);
    if (value) return value;
  }
  throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
}

/** Plays the video under `selector` and waits until its clock has moved: frames really decode. */
async function plays(page: Page, selector: string): Promise<number> {
  await until(page, `document.querySelector('${selector}')?.readyState >= 2`, `${selector} loaded`);
  await page.evaluate(`document.querySelector('${selector}').play()`);
  return (await until(
    page,
    `(() => { const v = document.querySelector('${selector}'); return v.currentTime > 0.3 && !v.error && v.currentTime; })()`,
    `${selector} playing`,
  )) as number;
}

// A montage's and a render's own job pages through the real server, engine and ffmpeg, with the
// token (media elements then get blob: URLs): tiny clips and sizes, a few seconds of CPU in all.
describe('montage and render job pages in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let montage: Promise<JobRecord>;
  let render: Promise<JobRecord>;
  const submit = async (type: string, spec: Record<string, unknown>) => {
    const response = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type, spec }),
    });
    const body = (await response.json()) as JobRecord;
    expect(response.status, JSON.stringify(body)).toBe(202);
    return h.runtime.backend.wait(body.id);
  };
  const open = async (id: string) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(`localStorage.setItem('framefleet.token', ${JSON.stringify(TOKEN)})`);
    await page.goto(`${h.url}/#/jobs/${id}`);
    return { page, errors };
  };

  beforeAll(async () => {
    [h, browser] = await Promise.all([
      startServer({ token: TOKEN, workers: 2 }),
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
      }),
    ]);
    await mkdir('test-results', { recursive: true });
    const clips = path.join(h.inputDir, 'clips');
    const out = path.join(h.outputDir, 'montage');
    await Promise.all([mkdir(clips), mkdir(out)]);
    const [made, music] = await Promise.all([
      // Two clips of two shots each: enough for an edit, no more to analyse.
      Promise.all(
        ['a', 'b'].map((name) =>
          sampleClip({
            path: path.join(clips, `${name}.mp4`),
            width: 64,
            height: 48,
            fps: 10,
            scenes: [1, 1],
            audio: false,
          }),
        ),
      ),
      makeMontageMusic(h.inputDir, 120, 4),
    ]);
    montage = submit('montage', {
      clips: made.map((c) => c.path),
      music: music.path,
      output: path.join(out, 'cut.mp4'),
      edl: path.join(out, 'cut.edl'),
      otio: path.join(out, 'cut.otio'),
      duration: 2,
      height: 144,
      fps: 10,
      preset: 'fast',
    });
    render = submit('render', {
      output: path.join(h.outputDir, 'scenes.mp4'),
      width: 64,
      height: 48,
      fps: 10,
      preset: 'fast',
      scenes: [
        { duration: 1, background: { color: '#ff0000' }, transition: { type: 'crossfade', duration: 0.4 } },
        { duration: 1, background: { color: '#0000ff' } },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('montage: storyboard, edit list, EDL/OTIO downloads, the output playing; only its own files served', async () => {
    const job = await montage;
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const result = job.result as MontageResult;
    const edit = job.tasks.find((t) => t.kind === 'montage.edit')!.output as EditOutput;
    const { page, errors } = await open(job.id);
    await page.waitForSelector('[data-testid=montage-storyboard]');
    await until(
      page,
      `document.querySelector('[data-testid=montage-storyboard]').naturalWidth > 0`,
      'storyboard loaded',
    );
    const rows = page.locator('[data-testid=montage-edit-table] tbody tr');
    expect(await rows.count()).toBe(edit.edl.entries.length);
    const last = edit.edl.entries.at(-1)!;
    const fps = edit.clipFps[last.clip]!;
    expect(await rows.last().locator('td').allTextContents()).toEqual([
      String(edit.edl.entries.length),
      path.basename((job.spec as { clips: string[] }).clips[last.clip]!),
      `${(last.sourceStart / fps).toFixed(3)} s`,
      `${(last.sourceEnd / fps).toFixed(3)} s`,
      `${((last.recordEnd - last.recordStart) / 10).toFixed(3)} s`,
      last.beat < 0 ? 'start' : `beat ${last.beat + 1} at ${edit.beats[last.beat]!.toFixed(2)} s`,
      'done',
    ]);
    expect(await plays(page, '[data-testid=montage-video]')).toBeGreaterThan(0.3);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=montage-download-edl]'),
    ]);
    expect(file.suggestedFilename()).toBe('cut.edl');
    expect(await readFile((await file.path())!, 'utf8')).toBe(await readFile(result.edl!, 'utf8'));
    await page.screenshot({ path: path.resolve('test-results', 'dashboard-montage.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    // A seek: one byte range; a range past the end is refused.
    const files = `${h.url}/v1/jobs/${job.id}/files`;
    const part = await fetch(`${files}/storyboard`, { headers: { ...auth, range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(
      (await readFile(result.storyboard)).subarray(0, 10),
    );
    const past = await fetch(`${h.url}/v1/jobs/${job.id}/output`, {
      headers: { ...auth, range: 'bytes=99999999-' },
    });
    expect(past.status).toBe(416);
    expect((await fetch(`${files}/storyboard`)).status).toBe(401);

    // Only the job's own registered files: every escape is 400 or 404, and serves no bytes.
    for (const [name, segment] of escapeSegments(result.storyboard, 'storyboard')) {
      const r = await rawRequest(h.url, { target: `/v1/jobs/${job.id}/files/${segment}`, headers: auth });
      expect([400, 404], `${name}: ${r.status} ${r.body.slice(0, 120)}`).toContain(r.status);
      expect(r.error?.code, name).toMatch(/^(BAD_REQUEST|INVALID_ARGUMENT|NOT_FOUND)$/);
    }
    // Held when the file is opened: a storyboard swapped for a symlink, then its folder for one.
    const outside = path.join(h.dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'cut.storyboard.jpg'), 'not for you');
    await rename(result.storyboard, `${result.storyboard}.moved`);
    await symlink(path.join(outside, 'cut.storyboard.jpg'), result.storyboard);
    const linked = await fetch(`${files}/storyboard`, { headers: auth });
    expect([403, 404]).toContain(linked.status);
    expect(await linked.text()).not.toContain('not for you');
    const folder = path.dirname(result.storyboard);
    await rename(folder, `${folder}.moved`);
    await symlink(outside, folder);
    const swapped = await fetch(`${files}/storyboard`, { headers: auth });
    expect(swapped.status).toBe(403);
    expect(((await swapped.json()) as { error: { code: string } }).error.code).toBe('PATH_FORBIDDEN');
  });

  it('render: the scenes with their state, a poster per scene, the output playing', async () => {
    const job = await render;
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const { page, errors } = await open(job.id);
    await page.waitForSelector('[data-testid=render-scenes]');
    const rows = page.locator('[data-testid=render-scenes] tbody tr');
    expect(await rows.count()).toBe(3); // two scenes and the crossfade between them
    expect(await rows.locator('td:first-child').allTextContents()).toEqual([
      'Scene 1',
      'Crossfade 1 → 2',
      'Scene 2',
    ]);
    expect(await page.locator('[data-testid=render-scenes] tr[data-state=done]').count()).toBe(3);
    // The planner draws the three short pieces in one task: each row names it.
    const task = job.tasks.find((t) => t.kind === 'render.scene')!.id;
    const owners = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-task')));
    expect(owners).toEqual([task, task, task]);
    expect(await plays(page, '[data-testid=render-video]')).toBeGreaterThan(0.3);
    // Posters, taken in the browser from the middle of each scene: red, then blue.
    const colours = (await until(
      page,
      `(() => {
        const imgs = [...document.querySelectorAll('[data-testid=render-scenes] td.poster img')];
        if (imgs.length < 2 || imgs.some((i) => !i.complete || i.naturalWidth === 0)) return null;
        const pixels = imgs.map((img) => {
          const c = document.createElement('canvas');
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const g = c.getContext('2d');
          g.drawImage(img, 0, 0);
          return [...g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data];
        });
        // A loaded image not yet decoded draws nothing (alpha 0): ask again.
        return pixels.some((p) => p[3] === 0) ? null : pixels.map((p) => p.slice(0, 3));
      })()`,
      'posters',
    )) as number[][];
    expect(colours).toHaveLength(2);
    expect(colours[0]![0]).toBeGreaterThan(180);
    expect(colours[0]![2]).toBeLessThan(80);
    expect(colours[1]![2]).toBeGreaterThan(180);
    expect(colours[1]![0]).toBeLessThan(80);
    await page.screenshot({ path: path.resolve('test-results', 'dashboard-render.png'), fullPage: true });
    // A render registers no other files.
    expect((await fetch(`${h.url}/v1/jobs/${job.id}/files/storyboard`, { headers: auth })).status).toBe(404);
    expect(errors).toEqual([]);
  });
});
