import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { postJob, startServer, type Harness } from './harness.js';

// A server's jobs read each file where it is held open (/proc/<pid>/fd/N), so that a name swapped
// for a link to another file after the check is never followed. The plan's glyph check ran
// fc-query on a spec's font file by its name, after the file had been checked and let go.
describe('a render font file is read only where it is held open', () => {
  let h: Harness;
  let log: string;
  const path0 = process.env.PATH;
  const lines: string[] = [];

  beforeAll(async () => {
    h = await startServer({ logLines: lines });
    const bin = path.join(h.dir, 'bin');
    log = path.join(h.dir, 'fc-query.log');
    await mkdir(bin);
    // fc-query as it is, writing down the files it was given.
    const fake = path.join(bin, 'fc-query');
    await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec /usr/bin/fc-query "$@"\n`);
    await chmod(fake, 0o755);
    await writeFile(log, '');
    process.env.PATH = `${bin}:${path0}`;
    await copyFile('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', path.join(h.inputDir, 'mine.ttf'));
  });
  afterAll(async () => {
    process.env.PATH = path0;
    await h.close();
  });

  it('fc-query never gets the font file by its name, and the glyph warning still comes', async () => {
    const font = path.join(h.inputDir, 'mine.ttf');
    const { status, body } = await postJob(h, 'render', {
      output: path.join(h.outputDir, 'font.mp4'),
      ...{ width: 160, height: 90, fps: 10, preset: 'fast' },
      scenes: [
        {
          duration: 1,
          background: { color: '#000000' },
          // 漢 is not in DejaVu Sans: the check that reads the charset must run.
          layers: [{ type: 'text', text: 'Hi 漢', fontFile: font, x: 0, y: 0, width: 160, height: 90 }],
        },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(202);
    const job = await h.runtime.backend.wait((body as JobRecord).id);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const calls = (await readFile(log, 'utf8')).split('\n').filter((l) => l.includes('-f'));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call).not.toContain(font);
      expect(call).toMatch(/\/proc\/\d+\/fd\/\d+$/);
    }
    const warned = lines.filter((l) => l.includes('has no glyph for') && l.includes('漢'));
    expect(warned).toHaveLength(1);
    // The field the layer set, and advice that fits it (no font family to look up).
    expect(warned[0]).toContain('scenes.0.layers.0.fontFile: font');
    expect(warned[0]).toContain('choose a font file that has them');
  });
});
