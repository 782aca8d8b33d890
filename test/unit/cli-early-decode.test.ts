import { describe, expect, it } from 'vitest';
import { beatsFile } from '../../src/cli/early-decode.js';

describe('the decode `analyze beats` starts before the CLI loads', () => {
  it.each([
    [['analyze', 'beats', 'a.m4a'], 'a.m4a'],
    [['analyze', 'beats', 'a.m4a', '--json'], 'a.m4a'],
    [['analyze', 'beats', '-o', 'out.json', '-y', 'a.m4a'], 'a.m4a'],
    [['analyze', 'beats', '--output', 'out.json', 'a.m4a'], 'a.m4a'],
    [['analyze', 'beats', '--output=out.json', 'a.m4a'], 'a.m4a'],
  ])('starts for %j', (args, file) => {
    expect(beatsFile(args)).toBe(file);
  });

  it.each([
    [['analyze', 'scenes', 'a.mp4']],
    [['--config', 'f.yaml', 'analyze', 'beats', 'a.m4a']],
    [['analyze', 'beats']],
    [['analyze', 'beats', 'a.m4a', 'b.m4a']],
    [['analyze', 'beats', 'a.m4a', '--help']],
    [['analyze', 'beats', '--', '-a.m4a']],
    // Standard input is copied to a file by the command: no decode of a file named `-`.
    [['analyze', 'beats', '-']],
    [['analyze', 'beats', '-', '--json']],
    [['analyze', 'beats', '-o', 'out.json', '-']],
    [['analyze', 'beats', 'a.m4a', '-']],
  ])('does not start for %j (the command decides what happens)', (args) => {
    expect(beatsFile(args)).toBeUndefined();
  });
});
