import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const good = `processors:
  upscale:
    command: [python3, upscale.py, --in, '{input}', --out, '{output}']
pools:
  - name: nvidia-base
    queues: [ff.nvidia]
    kind: baseline
    minReplicas: 1
    maxReplicas: 2
    pricePerHour: 0.98
  - name: nvidia-burst
    queues: [ff.nvidia, ff.nvidia.proc-upscale]
    maxReplicas: 20
    pricePerHour: 0.69
    startupSeconds: 90
    slotsPerReplica: 2
`;

describe('pools: in framefleet.yaml', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-pools-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const load = async (text: string) => {
    const file = join(dir, `${Math.random()}.yaml`);
    await writeFile(file, text);
    return loadConfig({ file, env: {} });
  };

  it('reads pools with their defaults; none by default', async () => {
    expect((await loadConfig({ cwd: dir, env: {} })).config.pools).toEqual([]);
    const { config } = await load(good);
    expect(config.pools[0]).toMatchObject({ name: 'nvidia-base', kind: 'baseline', slotsPerReplica: 1 });
    expect(config.pools[1]).toMatchObject({
      kind: 'burst',
      minReplicas: 0,
      sloWaitSeconds: 30,
      idleSeconds: 60,
      startupSeconds: 90,
      slotsPerReplica: 2,
    });
  });

  it.each([
    [
      'a negative price',
      good.replace('0.69', '-1'),
      /`pools.1.pricePerHour` expected a price >= 0, got `-1`/,
    ],
    [
      'min > max',
      good.replace('minReplicas: 1', 'minReplicas: 3'),
      /`pools.0.minReplicas` expected minReplicas <= maxReplicas \(2\), got `3`/,
    ],
    [
      'an unknown queue',
      good.replace('ff.nvidia.proc-upscale', 'ff.nvdia'),
      /`pools.1.queues.1` expected a routing queue.*got `ff.nvdia`/,
    ],
    [
      'a queue of a processor that is not configured',
      good.replace('ff.nvidia.proc-upscale', 'ff.nvidia.proc-denoise'),
      /`pools.1.queues.1` expected a queue of a configured processor; no processor `denoise`.*got `ff.nvidia.proc-denoise`/,
    ],
    ['a queue without the prefix', good.replace('[ff.nvidia]', '[gpu]'), /`pools.0.queues.0`.*got `gpu`/],
    [
      'a duplicate name',
      good.replace('nvidia-burst', 'nvidia-base'),
      /`pools.1.name` expected a pool name used once/,
    ],
    [
      'a name that is no DNS label',
      good.replace('nvidia-burst', 'Nvidia_Burst'),
      /`pools.1.name`.*DNS label.*got `Nvidia_Burst`/,
    ],
    ['an unknown kind', good.replace('baseline', 'always'), /`pools.0.kind`.*got `always`/],
  ])('rejects %s with its path and value', async (_name, text, message) => {
    await expect(load(text)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(message),
    });
  });
});
