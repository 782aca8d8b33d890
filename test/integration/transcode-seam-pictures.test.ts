import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorContext, TaskSpec } from '../../src/engine/types.js';
import { readMp4VideoSamples } from '../../src/media/mp4-samples.js';
import { FileStorage } from '../../src/storage/index.js';
import { encodeSegment, stitch } from '../../src/pipelines/transcode/executors.js';
import { rangesFor, transcodeTasks, type TranscodeLayout } from '../../src/pipelines/transcode/layout.js';
import type { SegmentPayload, StitchPayload } from '../../src/pipelines/transcode/payloads.js';
import {
  seamPictures,
  verifySeamPictures,
  type SeamPicturesOutput,
  type SeamPicturesPayload,
} from '../../src/pipelines/transcode/seam-pictures.js';
import { grayKeyframes, type TimeWindow } from '../../src/media/seam-frames.js';
import { verifyOutput } from '../../src/media/verify.js';
import { startSeamCheck, type SeamPlan } from '../../src/pipelines/transcode/seam-check.js';
import { decodeOutputSeams } from '../../src/pipelines/transcode/seam-source.js';
import { PLAIN_LAYOUT } from '../helpers/transcode-layout.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const exec = promisify(execFile);

// The source's seam pictures as a task of the graph: stored, read by the stitch, reused on resume;
// and a plan made before that task, whose stitch decodes them itself. A 4 s 320x180 clip at 30 fps
// in 4 segments, each task run by hand as an engine runs it (conformance.test.ts: the task is
// reused on resume by both backends).
describe('seam pictures task', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let storage: FileStorage;
  let layout: TranscodeLayout;
  const debug: string[] = [];
  const warn: string[] = [];
  const ctx = (taskId: string, inputs: Record<string, unknown> = {}) =>
    ({
      jobId: 'job',
      taskId,
      attempt: 1,
      workerId: 'w',
      signal: new AbortController().signal,
      storage,
      scratchDir: join(dir, 'scratch'),
      scratchPrefix: 'jobs/x/',
      inputs,
      spec: { overwrite: true },
      progress: () => {},
      expand: () => {},
      log: {
        info: () => {},
        warn: (_o: object, m: string) => warn.push(m),
        error: () => {},
        debug: (_o: object, m: string) => debug.push(m),
      },
    }) as unknown as ExecutorContext;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    storage = new FileStorage(join(dir, 'store'));
    const input = join(dir, 'motion.mp4');
    const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p'];
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30:duration=4', ...x264, input]);
    const { keyframes } = await readMp4VideoSamples(input);
    layout = {
      ...PLAIN_LAYOUT,
      ...{ input, frames: 120, width: 320, height: 180, keyframes, seekIndex: 'samples', videoStartSec: 0 },
      ...{ settings: { quality: 70, preset: 'fast', gopFrames: 30 }, segments: 4, audio: undefined },
      sourceAvGapSec: undefined,
    };
  }, 60_000);
  afterAll(() => cleanup());

  const segments = new Map<string, Promise<unknown>>();
  /** Runs the tasks in plan order (each after what it needs), the stitch writing `output`. */
  const runGraph = async (tasks: TaskSpec[], output: string) => {
    await mkdir(join(dir, 'scratch'), { recursive: true });
    const outputs: Record<string, unknown> = {};
    for (const task of tasks) {
      const inputs = Object.fromEntries(task.dependsOn.map((id) => [id, outputs[id]]));
      if (task.kind === 'transcode.segment') {
        // Every plan here has the same segments (the same payloads, stored under the same keys): they
        // are encoded once, and each graph's seam pictures and stitch run on them.
        if (!segments.has(task.id))
          segments.set(task.id, encodeSegment(task.payload as SegmentPayload, ctx(task.id, inputs)));
        outputs[task.id] = await segments.get(task.id);
      } else if (task.kind === 'transcode.seam-pictures')
        outputs[task.id] = await seamPictures(task.payload as SeamPicturesPayload, ctx(task.id, inputs));
      else
        outputs[task.id] = await stitch(
          { ...(task.payload as StitchPayload), output: join(dir, output) },
          ctx(task.id, inputs),
        );
    }
    return outputs;
  };
  const planned = () => transcodeTasks(layout, rangesFor(layout));
  /** The whole plan run once, writing planned.mp4: its outputs and what it logged at debug level. */
  let plannedRun: Promise<{ outputs: Record<string, unknown>; logged: string }> | undefined;
  const runPlanned = () =>
    (plannedRun ??= (async () => {
      debug.length = 0;
      const outputs = await runGraph(planned(), 'planned.mp4');
      return { outputs, logged: debug.join('\n') };
    })());

  it('the stitch checks every seam against the pictures the task stored', async () => {
    const tasks = planned();
    expect(tasks.map((t) => t.id)).toContain('seam-pictures');
    const { outputs, logged } = await runPlanned();
    const stored = outputs['seam-pictures'] as SeamPicturesOutput;
    expect(stored).toMatchObject({ key: 'jobs/x/seam-pictures.gray', seams: 3, size: 3 * 3 * 160 * 96 });
    expect(logged).toMatch(
      /seam check: 3 seams, none a frame off the source \(the source's frames stored by their task/,
    );
  }, 120_000);

  it('reads a long output one short run a seam, the same pictures one run reads', async () => {
    // Past 5 minutes one run over every keyframe (and all the bytes) would cost more than the
    // stitch; here the threshold is set to 0 to take that path on the 4 s output of the test above
    // (made here where that test did not run first).
    await runPlanned();
    const check = (planned().at(-1)!.payload as StitchPayload).seams as SeamPlan;
    const output = join(dir, 'planned.mp4');
    const { videoOffsetSec } = await verifyOutput(output, {
      frames: 120,
      sourceAvGapSec: undefined,
      audioFrameSec: 0.025,
    });
    const signal = new AbortController().signal;
    const keyframe = (windows: TimeWindow[], seekSec?: number) =>
      grayKeyframes(output, windows, { signal, oneThread: true, seekSec });
    const at = (n: number) => ({
      from: (n - 0.5) / 30 + videoOffsetSec,
      to: (n + 0.5) / 30 + videoOffsetSec,
    });
    // Each seam's keyframe is found by time from a seek, as without one.
    for (const seam of check.seams) {
      const w = at(seam.frame);
      expect(await keyframe([w], Math.max(0, w.from - 1))).toEqual(await keyframe([w]));
    }
    const one = await decodeOutputSeams(check, output, videoOffsetSec, signal);
    const each = await decodeOutputSeams(check, output, videoOffsetSec, signal, { oneRunUpToSec: 0 });
    expect(one.map((f) => f.length)).toEqual([1, 1, 1]);
    expect(each).toEqual(one);
  }, 60_000);

  it('a plan made before the task (no seam-pictures in the stitch payload) still checks its seams', async () => {
    const tasks = planned().filter((t) => t.kind !== 'transcode.seam-pictures');
    const last = tasks.at(-1)!;
    const { seamPicturesTask: _none, ...old } = last.payload as StitchPayload;
    last.payload = old;
    last.dependsOn = last.dependsOn.filter((id) => id !== 'seam-pictures');
    debug.length = 0;
    await runGraph(tasks, 'old-plan.mp4');
    expect(debug.join('\n')).toMatch(
      /seam check: 3 seams, none a frame off the source \(the source's frames decoded, /,
    );
  }, 120_000);

  it('its output re-verifies on resume (reused as it is), and pictures changed since are redone', async () => {
    const task = planned().find((t) => t.kind === 'transcode.seam-pictures')!;
    const payload = task.payload as SeamPicturesPayload;
    const out = await seamPictures(payload, ctx(task.id));
    const verify = () => verifySeamPictures(payload, out, { storage, signal: new AbortController().signal });
    await expect(verify()).resolves.toBe(true);
    const path = storage.localPath(payload.key)!;
    const bytes = await readFile(path);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(path, bytes);
    // The same size, other content: redone, and a stitch handed it decodes the source instead.
    await expect(verify()).resolves.toBe(false);
    const stitchTask = planned().at(-1)!;
    const outputs = await runGraph(
      planned().filter((t) => t.kind === 'transcode.segment'),
      'unused.mp4',
    );
    warn.length = 0;
    debug.length = 0;
    await stitch(
      { ...(stitchTask.payload as StitchPayload), output: join(dir, 'resumed.mp4') },
      ctx('stitch', { ...outputs, 'seam-pictures': out }),
    );
    expect(warn.join('\n')).toMatch(
      /seam check: decoding the source again, .*not the pictures its task stored/,
    );
    expect(debug.join('\n')).toMatch(/3 seams, none a frame off the source/);
    await writeFile(path, bytes.subarray(1));
    await expect(verify()).resolves.toBe(false);
    // A skip the plan decided holds on resume; a decode that failed is tried again.
    const skipped = (out: SeamPicturesOutput) =>
      verifySeamPictures(payload, out, { storage, signal: new AbortController().signal });
    await expect(skipped({ skipped: 'the source is stored elsewhere' })).resolves.toBe(true);
    await expect(skipped({ skipped: 'decode failed', failed: true })).resolves.toBe(false);
  }, 120_000);

  it('stops its own decode of the source when the stitch is done with it (a stitch that failed first)', async () => {
    // Found by the review: the source decode ran on to its timeout (minutes on a long source).
    // A recording still being written: a pipe that has half a TS file and waits for more, so
    // the decode runs until something stops it.
    const ts = join(dir, 'half.ts');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30:duration=4', '-c:v', 'libx264', ts]);
    const long = join(dir, 'recording.ts');
    await exec('mkfifo', [long]);
    const writer = createWriteStream(long);
    const bytes = await readFile(ts);
    writer.write(bytes.subarray(0, 188 * Math.floor(bytes.length / 376)));
    const check = {
      rate: { num: 30, den: 1 },
      videoOffsetSec: 0,
      videoStartSec: 0,
      seams: [{ segment: 1, frame: 110 }],
      byCount: true,
    };
    const run = startSeamCheck(check, long, ctx('stitch'));
    const decoding = () =>
      exec('pgrep', ['-f', `ffmpeg.*${long}`]).then(
        () => true,
        () => false,
      );
    try {
      await sleep(500);
      expect(await decoding()).toBe(true);
      run.stop();
      // SIGTERM, then SIGKILL after runFfmpeg's 3 s grace (ffmpeg blocked in a read ignores the first).
      await sleep(3800);
      expect(await decoding()).toBe(false);
    } finally {
      writer.destroy();
    }
  }, 120_000);
});
