import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { ffmpeg, sampleClip } from '../helpers/media.js';
import { startServer, type Harness } from './harness.js';

const SHOTS = path.resolve('test-results');

describe('dashboard in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    [h, browser] = await Promise.all([
      startServer({ workers: 2, sampleMs: 500 }),
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('submits a transcode from the form and watches the segment grid reach 100%', async () => {
    const clip = await sampleClip({
      path: path.join(h.inputDir, 'demo.mp4'),
      width: 160,
      height: 90,
      fps: 25,
      scenes: [1, 1, 1],
    });
    const output = path.join(h.outputDir, 'demo-out.mp4');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(`${h.url}/#/submit`);
    await page.fill('input[name=input]', clip.path);
    await page.fill('input[name=output]', output);
    await page.fill('input[name=segments]', '6');
    await page.selectOption('select[name=preset]', 'quality');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-submit.png') });
    await page.click('[data-testid=submit]');
    await page.waitForURL(/#\/jobs\/\w+/, { timeout: 5000 }).catch(async (e: unknown) => {
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-fail.png'), fullPage: true });
      throw new Error(`${String(e)}; page errors: ${errors.join(' | ')}; url ${page.url()}`);
    });
    await page.waitForSelector('[data-testid=segment-grid] [data-task]');

    // Sample the grid while it runs: the parallelism must be visible as several running tiles.
    let maxRunning = 0;
    for (let i = 0; i < 1200; i++) {
      const [running, progress] = await Promise.all([
        page.locator('[data-testid=segment-grid] [data-state=running]').count(),
        page.locator('[data-testid=job-progress]').textContent(),
      ]);
      if (running >= 2 && maxRunning < 2) {
        await page.screenshot({ path: path.join(SHOTS, 'dashboard-running.png'), fullPage: true });
      }
      maxRunning = Math.max(maxRunning, running);
      if (progress === '100%' && (await page.locator('.badge.state-done').count()) > 0) break;
      await page.waitForTimeout(50);
    }
    expect(await page.locator('[data-testid=job-progress]').textContent()).toBe('100%');
    const tiles = page.locator('[data-testid=segment-grid] [data-task]');
    const segments = await tiles.count();
    expect(segments).toBeGreaterThanOrEqual(3); // the planner may merge to keyframe-aligned ranges
    expect(await page.locator('[data-testid=segment-grid] [data-state=done]').count()).toBe(segments);
    expect(await page.locator('[data-testid=segments-done]').textContent()).toBe(`${segments} / ${segments}`);
    expect(maxRunning).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
    expect((await probe(output)).video?.frameCount).toBe(clip.frames);

    // The whole id, and the copy button copies the whole id.
    const id = decodeURIComponent(page.url().split('#/jobs/')[1]!);
    expect(await page.locator('h1 [data-full-id]').textContent()).toBe(id);
    expect(await page.locator('h1 [data-copy]').getAttribute('data-copy')).toBe(id);
    // A finished job shows what it made and how it was verified, and hands over the file.
    await page.waitForSelector('[data-testid=job-result]');
    expect(await page.locator('[data-testid=result-output]').textContent()).toBe(output);
    expect(await page.locator('[data-testid=result-frames]').textContent()).toBe(String(clip.frames));
    expect(await page.locator('[data-testid=result-duration]').textContent()).toMatch(/^\d+\.\d{3} s$/);
    expect(await page.locator('[data-testid=result-size]').textContent()).toMatch(/^\d+(\.\d)? (KiB|MiB)$/);
    expect(await page.locator('[data-testid=result-verified]').textContent()).toMatch(
      new RegExp(`^verified: ${clip.frames} frames = source, video \\d+\\.\\d{3} s, audio `),
    );
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')]);
    expect(file.suggestedFilename()).toBe('demo-out.mp4');
    expect((await readFile((await file.path())!)).equals(await readFile(output))).toBe(true);

    await page.goto(`${h.url}/#/jobs`);
    await page.waitForSelector('tr[data-job-id] .badge.state-done');
    expect(await page.locator(`tr[data-job-id="${id}"] [data-full-id]`).textContent()).toBe(id);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-jobs.png') });
    await page.goto(`${h.url}/#/nodes`);
    await page.waitForSelector('.node .chip.enc');
    expect(await page.locator('.node .chip.enc', { hasText: 'libx264' }).count()).toBe(1);
    // Slots only for devices this machine has: no GPU here, so CPU alone.
    expect(await page.locator('.node .chip:not(.enc)').allTextContents()).toEqual(['cpu × 2']);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-nodes.png') });
    await page.goto(`${h.url}/#/queues`);
    await page.waitForSelector('svg.chart path.line-active');
    // The chart says what it covers: the server has been up for minutes, not an hour.
    expect(await page.locator('[data-testid=chart-title]').textContent()).toMatch(
      /^Queue depth over the last \d+ minutes?$/,
    );
    // Bars are per sample (every 0.5 s here, a little more on a busy machine), and say so.
    expect(await page.locator('[data-testid=chart-legend-completed]').textContent()).toMatch(
      /^tasks completed per 0\.[5-9] s$/,
    );
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-queues.png') });

    // Removing a finished job: confirmed, gone from the list and the API, its output kept.
    await page.goto(`${h.url}/#/jobs/${id}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('[data-testid=remove]');
    await page.waitForURL(/#\/jobs$/);
    await page.waitForSelector('tr td .empty');
    expect(await page.locator(`tr[data-job-id="${id}"]`).count()).toBe(0);
    expect((await fetch(`${h.url}/v1/jobs/${id}`)).status).toBe(404);
    expect((await probe(output)).video?.frameCount).toBe(clip.frames);
    expect(errors).toEqual([]);
  });

  it('offers no Retry for a job that failed on a corrupt input', async () => {
    const bad = path.join(h.inputDir, 'corrupt.mp4');
    await writeFile(bad, 'this is not a video\n'.repeat(100));
    const response = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: bad, output: path.join(h.outputDir, 'x.mp4') },
      }),
    });
    const { id } = (await response.json()) as { id: string };
    expect((await h.runtime.backend.wait(id)).error).toMatchObject({ code: /^INPUT_/, fatal: true });
    const page = await browser.newPage();
    await page.goto(`${h.url}/#/jobs/${id}`);
    await page.waitForSelector('.badge.state-failed');
    expect(await page.locator('button', { hasText: 'Retry' }).count()).toBe(0);
    expect(await page.locator('.notice').textContent()).toMatch(/Retrying cannot help/);
    expect(await page.locator('[data-testid=remove]').count()).toBe(1);
  });

  it("shows the plan's warnings on the job page", async () => {
    const hdr = path.join(h.inputDir, 'hdr.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=d=1:s=160x120:r=25', '-c:v', 'libx264', '-preset', 'ultrafast'],
      ...['-pix_fmt', 'yuv420p10le', '-color_trc', 'smpte2084', '-y', hdr],
    ]);
    const id = (
      await h.runtime.backend.submit('transcode', { input: hdr, output: path.join(h.outputDir, 'hdr.mp4') })
    ).id;
    expect((await h.runtime.backend.wait(id)).state).toBe('done');
    const page = await browser.newPage();
    await page.goto(`${h.url}/#/jobs/${id}`);
    await page.waitForSelector('.badge.state-done');
    expect(await page.locator('[data-testid=job-warnings]').textContent()).toMatch(
      /is HDR \(transfer smpte2084\) and libx264 encodes it as 8-bit yuv420p without tone mapping/,
    );
  });
});
