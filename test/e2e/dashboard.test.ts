import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
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
    const clip = await generateSampleClip({
      path: path.join(h.inputDir, 'demo.mp4'),
      width: 320,
      height: 180,
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

    await page.goto(`${h.url}/#/jobs`);
    await page.waitForSelector('tr[data-job-id] .badge.state-done');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-jobs.png') });
    await page.goto(`${h.url}/#/nodes`);
    await page.waitForSelector('.node .chip.enc');
    expect(await page.locator('.node .chip.enc', { hasText: 'libx264' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-nodes.png') });
    await page.goto(`${h.url}/#/queues`);
    await page.waitForSelector('svg.chart path.line-active');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-queues.png') });
    expect(errors).toEqual([]);
  });
});
