import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

// The submit form's pixel format and deinterlace fields reach the stored spec, and only when changed
// from `auto`: a spec the form makes with the defaults is the CLI's default one (the same job id).
describe('dashboard submit form: pixel format and deinterlace', () => {
  let h: Harness;
  let browser: Browser;
  let input: string;

  beforeAll(async () => {
    [h, browser] = await Promise.all([
      startServer({ workers: 1 }),
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      }),
    ]);
    input = (
      await sampleClip({
        path: path.join(h.inputDir, 'clip.mp4'),
        width: 96,
        height: 64,
        fps: 10,
        scenes: [1],
      })
    ).path;
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function submit(name: string, choices: { pixelFormat?: string; deinterlace?: string }) {
    const page = await browser.newPage();
    await page.goto(`${h.url}/#/submit`);
    await page.fill('input[name=input]', input);
    await page.fill('input[name=output]', path.join(h.outputDir, `${name}.mp4`));
    expect(await page.inputValue('select[name=pixelFormat]')).toBe('auto');
    expect(await page.inputValue('select[name=deinterlace]')).toBe('auto');
    if (choices.pixelFormat) await page.selectOption('select[name=pixelFormat]', choices.pixelFormat);
    if (choices.deinterlace) await page.selectOption('select[name=deinterlace]', choices.deinterlace);
    await page.click('[data-testid=submit]');
    await page.waitForURL(/#\/jobs\/[\w-]+/, { timeout: 10_000 });
    const id = decodeURIComponent(page.url().split('#/jobs/')[1]!);
    await page.close();
    const job = await h.runtime.backend.get(id);
    return job!.spec as Record<string, unknown>;
  }

  it('sends the chosen pixel format and deinterlace mode', async () => {
    const spec = await submit('chosen', { pixelFormat: 'yuv444p', deinterlace: 'on' });
    expect(spec).toMatchObject({ pixelFormat: 'yuv444p', deinterlace: 'on' });
  });

  it('sends neither when left at auto', async () => {
    const spec = await submit('defaults', {});
    expect(spec).not.toHaveProperty('pixelFormat');
    expect(spec).not.toHaveProperty('deinterlace');
  });
});
