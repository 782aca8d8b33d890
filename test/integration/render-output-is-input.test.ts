import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorContext, PlanContext } from '../../src/engine/types.js';
import { silentLogger } from '../../src/logger.js';
import { renderPipeline } from '../../src/pipelines/render/index.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { fixedPolicy } from '../../src/storage/path-policy.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// A render checked that its output was none of its inputs when planned, but its stitch (the
// transcode's) knew only a transcode's one input: an output folder swapped for a link to the
// inputs' folder while the scenes rendered had the stitch replace the background video.
describe('render stitch: the output is checked against the inputs as it is placed', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'root', 'in'), { recursive: true });
    await mkdir(join(dir, 'root', 'out'));
    await mkdir(join(dir, 'scratch'));
  });
  afterAll(() => cleanup());

  it('refuses with OUTPUT_IS_INPUT and leaves the input as it was', async () => {
    const input = join(dir, 'root', 'in', 'clip.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=160x120:r=10:d=1', '-pix_fmt', 'yuv420p', input]);
    const before = sha(await readFile(input));
    // One root for inputs and outputs, as a server's default (the working directory) is.
    const paths = fixedPolicy({ input: [join(dir, 'root')], output: [join(dir, 'root')] });
    const storage = new FileStorage(join(dir, 'data'));
    const raw = {
      output: join(dir, 'root', 'out', 'clip.mp4'),
      overwrite: true,
      width: 160,
      height: 120,
      fps: 10,
      scenes: [{ duration: 1, background: { video: input } }],
    };
    const spec = parseRenderSpec(raw);
    const plan: PlanContext = {
      ...{ jobId: 'job', scratchPrefix: 'scratch/job/', storage, paths, log: silentLogger },
      signal: new AbortController().signal,
      capabilities: { encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 1 },
    };
    const graph = await renderPipeline.plan(spec, plan);
    const outputs: Record<string, unknown> = {};
    const run = (taskId: string) => {
      const task = graph.tasks.find((t) => t.id === taskId)!;
      const ctx = {
        ...{ jobId: 'job', taskId, attempt: 1, workerId: 'w', storage, paths, spec, log: silentLogger },
        ...{ signal: new AbortController().signal, scratchDir: join(dir, 'scratch') },
        scratchPrefix: 'scratch/job/',
        inputs: Object.fromEntries(task.dependsOn.map((id) => [id, outputs[id]])),
        progress: () => {},
        expand: () => {},
      } satisfies ExecutorContext;
      return renderPipeline.executors[task.kind]!(task.payload, ctx);
    };
    for (const task of graph.tasks.filter((t) => t.id !== 'stitch')) outputs[task.id] = await run(task.id);

    // While the job ran, the output folder became a link to the inputs' folder.
    await rename(join(dir, 'root', 'out'), join(dir, 'root', 'out-was'));
    await symlink(join(dir, 'root', 'in'), join(dir, 'root', 'out'));
    await expect(run('stitch')).rejects.toMatchObject({
      code: 'OUTPUT_IS_INPUT',
      message: expect.stringContaining(`is the input \`${input}\` (the same file by another name)`),
    });
    expect(sha(await readFile(input))).toBe(before);
  }, 60_000);
});
