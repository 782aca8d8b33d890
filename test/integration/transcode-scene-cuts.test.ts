import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/engine/local/local-backend.js';
import { probe } from '../../src/media/probe.js';
import { openLocalBackend } from '../../src/runtime/local.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import { silentLogger } from '../../src/logger.js';

interface Task {
  kind: string;
  payload: { start: number };
}

describe('scene-cut-aware split points', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let backend: LocalBackend;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'source.mp4');
    // Cuts at 72, 150 and 222 with no keyframes there: only the scene analysis can find them.
    await sampleClip({
      path: source,
      width: 320,
      height: 180,
      scenes: [2.4, 2.6, 2.4, 2.6],
      gop: 300,
      sceneKeyframes: false,
    });
    backend = await openLocalBackend({
      dataDir: join(dir, 'data'),
      cpuSlots: 2,
      log: silentLogger,
      candidates: ['libx264'],
    });
  });
  afterAll(async () => {
    await backend.close();
    await cleanup();
  });

  async function segmentStarts(sceneCuts: boolean): Promise<number[]> {
    const output = join(dir, `out-${sceneCuts}.mp4`);
    const spec = { input: source, output, segments: 4, preset: 'fast', encoder: 'libx264', sceneCuts };
    const job = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(job.state).toBe('done');
    expect((await probe(output)).video!.frameCount).toBe(300);
    const manifest = JSON.parse(
      await readFile(join(dir, 'data', 'jobs', job.id, 'manifest.json'), 'utf8'),
    ) as {
      graph: { tasks: Task[] };
      expansions: { by: string; tasks: Task[] }[];
    };
    // With scene cuts the plan is [scenes, split]: the split adds the segments once the cuts are known.
    expect(manifest.expansions.map((e) => e.by)).toEqual(sceneCuts ? ['split'] : []);
    const tasks = [...manifest.graph.tasks, ...manifest.expansions.flatMap((e) => e.tasks)];
    if (sceneCuts) expect(job.tasks.map((t) => t.id).slice(0, 2)).toEqual(['scenes', 'split']);
    return tasks.filter((t) => t.kind === 'transcode.segment').map((t) => t.payload.start);
  }

  it('splits evenly without it and on the hard cuts with it', async () => {
    expect((await probe(source)).video!.keyframes).toEqual([0]);
    expect(await segmentStarts(false)).toEqual([0, 75, 150, 225]);
    expect(await segmentStarts(true)).toEqual([0, 72, 150, 222]);
  });
});
