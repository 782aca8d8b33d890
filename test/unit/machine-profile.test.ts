import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeProfile } from '../../src/cli/calibrate.js';
import {
  choosePairs,
  machineKey,
  profileState,
  readProfile,
  type MachineProfile,
} from '../../src/pipelines/transcode/machine-profile.js';

describe('choosePairs', () => {
  it.each([
    { one: [10, 19], pair: [9.5, 19.5], pairs: true, why: '5 % sooner, 3 % more CPU' },
    { one: [10, 19], pair: [9.85, 19], pairs: false, why: '1.5 % sooner: inside the noise margin' },
    { one: [10, 19], pair: [9, 21], pairs: false, why: '10 % sooner but 10.5 % more CPU' },
    { one: [10, 19], pair: [10.5, 18], pairs: false, why: 'slower' },
  ])('$why', ({ one, pair, pairs }) => {
    expect(choosePairs({ wall: one[0]!, cpu: one[1] }, { wall: pair[0]!, cpu: pair[1] })).toBe(pairs);
  });

  it('decides on wall time alone where CPU time was not read', () => {
    expect(choosePairs({ wall: 10, cpu: undefined }, { wall: 9, cpu: 30 })).toBe(true);
  });
});

describe('readProfile', () => {
  let dir: string;
  const at = Date.UTC(2026, 0, 1);
  const profile = (key: string): MachineProfile => ({
    key,
    at,
    cores: 2,
    one: { wall: 6.4, cpu: 12 },
    pair: { wall: 6, cpu: 12.2 },
    pairs: true,
  });
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'ff-profile-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is used only on the machine, cores and ffmpeg build that measured it, and not when stale', async () => {
    const file = join(dir, 'machine-profile.json');
    await writeFile(file, JSON.stringify(profile(machineKey(2, 'ffmpeg-a'))));
    expect((await readProfile(2, 'ffmpeg-a', file, at + 1000))?.pairs).toBe(true);
    const reason = async (cores: number, id: string, now: number, f = file) => {
      const state = await profileState(cores, id, f, now);
      return state.profile ? 'usable' : state.reason;
    };
    expect(await readProfile(4, 'ffmpeg-a', file, at + 1000)).toBeUndefined();
    expect(await reason(4, 'ffmpeg-a', at + 1000)).toBe('other-machine');
    expect(await reason(2, 'ffmpeg-b', at + 1000)).toBe('other-machine');
    expect(await reason(2, 'ffmpeg-a', at + 91 * 24 * 3600_000)).toBe('stale');
    // Hand-edited or cut: no measurements, no time.
    const key = machineKey(2, 'ffmpeg-a');
    for (const partial of [
      { key, pairs: true },
      { ...profile(key), at: undefined },
      { ...profile(key), one: {} },
      null,
    ]) {
      await writeFile(file, JSON.stringify(partial));
      expect(await readProfile(2, 'ffmpeg-a', file, at + 1000)).toBeUndefined();
      expect(await reason(2, 'ffmpeg-a', at + 1000)).toBe('invalid');
    }
    await writeFile(file, '{not json');
    expect(await readProfile(2, 'ffmpeg-a', file, at)).toBeUndefined();
    expect(await reason(2, 'ffmpeg-a', at)).toBe('invalid');
    expect(await reason(2, 'ffmpeg-a', at, join(dir, 'missing.json'))).toBe('missing');
  });

  it('describes what was measured and what the planner does with it', () => {
    const text = describeProfile(profile('k'));
    expect(text).toContain('two at once / one encode wall 0.938 (6.00 vs 6.40 s), CPU 1.017');
    expect(text).toContain('split in two halves encoded at once');
    expect(describeProfile({ ...profile('k'), pairs: false })).toContain('stay one encode');
  });
});
