import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { CLI } from '../helpers/cli.js';
import { makeCorrupt, makeSceneClip, makeWorkDir } from './analysis-media.js';

const run = promisify(execFile);
const cli = [CLI, 'analyze'];
let work: Awaited<ReturnType<typeof makeWorkDir>>;
let clipPath: string;

beforeAll(async () => {
  work = await makeWorkDir();
  clipPath = (await makeSceneClip(work.dir)).path;
});
afterAll(() => work.cleanup());

describe('framefleet analyze (CLI)', () => {
  it('runs an Indexed Job shard from JOB_COMPLETION_INDEX and aggregates the partials', async () => {
    const partials = [0, 1].map((i) => join(work.dir, `part-${i}.json`));
    await Promise.all(
      partials.map((out, i) =>
        run(process.execPath, [...cli, 'scenes', clipPath, '--shard-count', '2', '-o', out], {
          env: { ...process.env, JOB_COMPLETION_INDEX: String(i) },
        }),
      ),
    );
    const merged = join(work.dir, 'merged.json');
    await run(process.execPath, [...cli, 'scenes', '--aggregate', ...partials, '-o', merged]);
    expect(JSON.parse(await readFile(merged, 'utf8'))).toEqual(await analyzeScenes(clipPath));

    // A whole result given to --aggregate was refused as "not a scenes partial result: `scenes`",
    // naming neither the file nor what to give instead.
    const failure = await run(process.execPath, [
      ...cli,
      'scenes',
      '--aggregate',
      partials[0]!,
      merged,
    ]).catch((e: unknown) => e);
    const { code, stderr } = failure as { code: number; stderr: string };
    expect(code).toBe(2);
    expect(stderr).toContain(
      `\`${merged}\` is not a scenes partial result (a \`scenes\` result); --aggregate takes the files written by --shard-index/--shard-count runs`,
    );
  });

  // It printed "shard 1 of 2 measured ...; aggregate the partials", exit 0, and kept no partial.
  it('refuses a shard run that would write its partial nowhere, before any decode', async () => {
    const failure = await run(process.execPath, [
      ...cli,
      'scenes',
      clipPath,
      '--shard-index',
      '0',
      '--shard-count',
      '2',
    ]).catch((e: unknown) => e);
    const { code, stderr } = failure as { code: number; stderr: string };
    expect(code).toBe(2);
    expect(stderr).toContain('give -o FILE (or --json to print it)');
  });

  it('prints one line to stderr and exits non-zero on a corrupt input', async () => {
    const corrupt = await makeCorrupt(work.dir, clipPath);
    const failure = await run(process.execPath, [...cli, 'beats', corrupt]).catch((e: unknown) => e);
    const { code, stderr } = failure as { code: number; stderr: string };
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/corrupt\.mp4/);
  });
});
