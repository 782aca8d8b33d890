import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { ffmpeg, greyFrames, tempDir } from '../helpers/media.js';

const run = promisify(execFile);

/** The raw pixels of a video's first `frames` frames (after `filter`, e.g. a select of others). */
async function pixels(video: string, pixFmt: 'gray' | 'rgb24', filter?: string, frames = 1): Promise<Buffer> {
  const vf = filter ? ['-vf', filter, '-fps_mode', 'passthrough'] : [];
  const out = ['-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'];
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', video, ...vf, ...out], { encoding: 'buffer' });
  return stdout;
}

/** Presentation times of a file's video frames, in order (ffprobe's packet scan). */
async function frameTimes(video: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0'],
    video,
  ]);
  return stdout
    .trim()
    .split('\n')
    .map(Number)
    .sort((a, b) => a - b);
}

/** Timelines no other test draws: pieces of one frame, odd text. */
describe('render edge timelines', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  async function render(name: string, spec: Record<string, unknown>) {
    const file = join(dir, `${name}.json`);
    const output = join(dir, `${name}.mp4`);
    await writeFile(file, JSON.stringify({ width: 160, height: 120, ...spec }));
    const result = await runCli(['render', file, '-o', output, '--data-dir', join(dir, 'data'), '--json']);
    return { ...result, output };
  }

  // Found by a new user's trial: a background of 2x4000 pixels filling the frame was scaled whole
  // to 320x640000 before the crop (1.8 GB and 14 s for one second at 320x180).
  it('fills the frame with a very tall picture without scaling it whole', async () => {
    const tall = join(dir, 'tall.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=2x4000:r=10:d=1'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', tall],
    ]);
    const file = join(dir, 'tall.json');
    const output = join(dir, 'tall-out.mp4');
    const spec = {
      width: 160,
      height: 120,
      scenes: [{ duration: 1, background: { video: tall, fit: 'fill' } }],
    };
    await writeFile(file, JSON.stringify(spec));
    const { code, stderr, peakKb } = await peakMemory([
      'render',
      file,
      '-o',
      output,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(code, stderr).toBe(0);
    expect(await frameTimes(output)).toHaveLength(30);
    // Node and ffmpeg here: 140 MB together; with the whole scaled picture 675 MB sampled (1.8 GB at peak).
    expect(peakKb, `peak ${peakKb} KB`).toBeLessThan(400_000);
  });

  // concat gave a one-frame piece no length, so the next piece's first frame took its time: 49
  // frames played in 1.92 s, two of them at 0.96 s, and the output still "verified".
  // Found by a new user's trial: a background replaced under the same name, rendered again with
  // the same spec, printed "nothing re-encoded: 1 segment reused" and the old picture.
  it('renders again when a file the spec names was replaced, and reuses when none was', async () => {
    const clip = join(dir, 'swap-bg.mp4');
    const colour = async (c: string) =>
      ffmpeg([
        ...['-f', 'lavfi', '-i', `color=${c}:s=160x120:r=10:d=2`],
        ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip],
      ]);
    const mean = async (video: string) => [...(await pixels(video, 'rgb24', 'scale=1:1'))];
    const spec = { scenes: [{ duration: 1, background: { video: clip } }] };
    await colour('red');
    const first = await render('swapped', spec);
    expect(first.code, first.stderr).toBe(0);
    expect((await mean(first.output))[0]).toBeGreaterThan(200);
    const same = await render('swapped', { ...spec, overwrite: true });
    expect(JSON.parse(same.stdout.trim().split('\n').at(-1)!)).toMatchObject({ reusedSegments: 1 });
    await colour('blue');
    const second = await render('swapped', { ...spec, overwrite: true });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({ reusedSegments: 0 });
    const [r, , b] = await mean(second.output);
    expect(r).toBeLessThan(60);
    expect(b).toBeGreaterThan(200);
  });

  // Found by a new user's trial: a spec saved with a byte-order mark was "Unexpected token", and
  // the `output` the schema has was ignored ("missing -o/--output").
  it('reads a spec with a byte-order mark and writes to its own output, relative to it', async () => {
    await mkdir(join(dir, 'specs'), { recursive: true });
    const file = join(dir, 'specs', 'bom.json');
    const spec = { width: 160, height: 120, output: 'bom-out.mp4', scenes: [{ duration: 0.5 }] };
    await writeFile(file, `\uFEFF${JSON.stringify(spec)}`);
    const result = await runCli(['render', file, '--data-dir', join(dir, 'data')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(join(dir, 'specs', 'bom-out.mp4'));
    const none = join(dir, 'specs', 'none.json');
    await writeFile(none, JSON.stringify({ scenes: [{ duration: 0.5 }] }));
    const refused = await runCli(['render', none, '--data-dir', join(dir, 'data')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('missing -o/--output (or an `output` in the spec)');
  });

  it('plays one-frame pieces (a 0.04 s crossfade, a scene of one frame) at the timeline rate', async () => {
    const fps = 25;
    const { code, stderr, output } = await render('one-frame', {
      fps,
      scenes: [
        { duration: 1, transition: { type: 'crossfade', duration: 0.04 } },
        { duration: 1, background: { color: '#ff0000' } },
        { duration: 0.04, background: { color: '#00ff00' } },
        { duration: 0.4, background: { color: '#0000ff' } },
      ],
    });
    expect(code, stderr).toBe(0);
    const times = await frameTimes(output);
    // The crossfade's one frame is the last of the first scene and the first of the second.
    expect(times).toHaveLength(25 + 25 - 1 + 1 + 10);
    for (const [i, t] of times.entries()) expect(t).toBeCloseTo(i / fps, 3);
  });

  // Found in the trial: `#000` and `#fff8` were refused; they mean #000000 and #ffffff88.
  it('draws short hex colours (#RGB, #RGBA) as their long forms', async () => {
    const { code, stderr, output } = await render('short-hex', {
      fps: 10,
      scenes: [
        {
          duration: 0.2,
          background: { color: '#f00' },
          // Half-opaque white over red: pink.
          layers: [{ type: 'box', x: 80, y: 0, width: 80, height: 120, color: '#fff8' }],
        },
      ],
    });
    expect(code, stderr).toBe(0);
    // The mean colour of a 40x40 patch inside each half (both in one run, side by side).
    const patch = (x: number) => `crop=40:40:${x}:40,scale=1:1:flags=area,format=rgb24`;
    const both = [
      ...(await pixels(output, 'rgb24', `split[a][b];[a]${patch(10)}[r];[b]${patch(110)}[p];[r][p]hstack`)),
    ];
    const [red, pink] = [both.slice(0, 3), both.slice(3)];
    expect(red![0]).toBeGreaterThan(235);
    expect(Math.max(red![1]!, red![2]!)).toBeLessThan(20);
    expect(pink![0]).toBeGreaterThan(235);
    for (const v of pink!.slice(1)) expect(Math.abs(v - 136)).toBeLessThan(20);
  });

  // The layout broke lines only at \n, drawtext at \r too: `a\rb\rc` laid out as one line of 32 px
  // was drawn as three, down to the frame's bottom.
  it('keeps text with \\r line ends inside its rectangle', async () => {
    const { code, stderr, output } = await render('carriage-returns', {
      fps: 10,
      scenes: [
        {
          duration: 0.2,
          layers: [{ type: 'text', text: 'a\rb\rc', x: 0, y: 0, width: 160, height: 40, size: 32 }],
        },
      ],
    });
    expect(code, stderr).toBe(0);
    const stdout = await pixels(output, 'gray');
    const lit = (row: number) => Math.max(...stdout.subarray(row * 160, (row + 1) * 160));
    expect(Math.max(...Array.from({ length: 40 }, (_, r) => lit(r)))).toBeGreaterThan(128);
    // Below the rectangle (and the encoder's blur at its edge) the frame stays black.
    for (let row = 44; row < 120; row++) expect(lit(row), `row ${row}`).toBeLessThan(40);
  });

  // Every narrow character counted 0.6 em: "WOMEN WHO WON MAJOR AWARDS" at 48 px in a 280 px box
  // drew "WOMEN WHO" 330 px wide, past both edges of the frame. In both weights of the default
  // font, no text pixel falls left or right of its box.
  it('keeps wide capitals inside their rectangle, in regular and bold', async () => {
    const layer = {
      type: 'text',
      text: 'WOMEN WHO WON MAJOR AWARDS',
      x: 20,
      y: 10,
      width: 120,
      height: 100,
      size: 48,
    };
    const { code, stderr, output } = await render('wide-capitals', {
      fps: 10,
      scenes: [
        { duration: 0.2, layers: [layer] },
        { duration: 0.2, layers: [{ ...layer, font: 'DejaVu Sans:bold' }] },
      ],
    });
    expect(code, stderr).toBe(0);
    const stdout = await pixels(output, 'gray', 'select=eq(n\\,0)+eq(n\\,2)', 2);
    expect(stdout.length).toBe(2 * 160 * 120);
    for (const [f, weight] of ['regular', 'bold'].entries()) {
      const frame = stdout.subarray(f * 160 * 120, (f + 1) * 160 * 120);
      const column = (x: number) => Math.max(...Array.from({ length: 120 }, (_, y) => frame[y * 160 + x]!));
      const lit = Array.from({ length: 160 }, (_, x) => column(x) > 128);
      expect(lit.filter(Boolean).length, weight).toBeGreaterThan(60);
      // Outside the box (and the encoder's blur at its edge) every column stays dark.
      for (let x = 0; x < 160; x++)
        if (x < 17 || x > 142) expect(column(x), `${weight} column ${x}`).toBeLessThan(40);
    }
  });

  // Each scene was rounded to frames on its own: 24 scenes of one beat at 110 BPM (0.545 s, 16.36
  // frames at 30 fps) made 384 frames, and the last cut fell 0.27 s before the music's 24th beat.
  it("cuts scenes on the frame nearest each one's time on the timeline, not scene by scene", async () => {
    const beat = 60 / 110;
    const { code, stderr, output } = await render('beats', {
      fps: 30,
      scenes: Array.from({ length: 24 }, (_, i) => ({
        duration: beat,
        background: { color: i % 2 ? '#ffffff' : '#000000' },
      })),
    });
    expect(code, stderr).toBe(0);
    expect(await frameTimes(output)).toHaveLength(Math.round(24 * beat * 30));
    // The last scene (white) starts on the frame nearest 23 beats: 376.
    const [before, first] = await greyFrames(output, Math.round(23 * beat * 30) - 1, 2);
    expect(before![0]).toBeLessThan(40);
    expect(first![0]).toBeGreaterThan(215);
  });
});

/**
 * Runs the CLI and samples the resident memory of its process tree (Linux /proc) every 20 ms: the
 * largest sum seen, in KB.
 */
async function peakMemory(args: string[]): Promise<{ code: number | null; stderr: string; peakKb: number }> {
  // Processes never in the tree: those there before it started, and those born outside it since.
  // Each is read once, not every 20 ms (a sample read every process's status: most of this test's CPU).
  const outside = new Set((await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number));
  const child = spawn(process.execPath, [CLI, ...args]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKb = 0;
  const sample = async () => {
    const parents = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const name of await readdir('/proc').catch(() => [])) {
      if (!/^\d+$/.test(name) || outside.has(Number(name))) continue;
      const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
      const ppid = /PPid:\s+(\d+)/.exec(status)?.[1];
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      if (ppid) parents.set(Number(name), Number(ppid));
      if (kb) rss.set(Number(name), Number(kb));
    }
    const inTree = (pid: number): boolean =>
      pid === child.pid || (parents.has(pid) && pid > 1 && inTree(parents.get(pid)!));
    for (const [pid, ppid] of parents) if (pid !== child.pid && outside.has(ppid)) outside.add(pid);
    let sum = 0;
    for (const [pid, kb] of rss) if (inTree(pid)) sum += kb;
    peakKb = Math.max(peakKb, sum);
  };
  const timer = setInterval(() => void sample(), 20);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearInterval(timer);
  return { code, stderr, peakKb };
}
