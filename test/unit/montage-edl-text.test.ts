import { describe, expect, it } from 'vitest';
import type { Edl, EdlEntry } from '../../src/pipelines/montage/edl.js';
import { edlText, toCmx3600 } from '../../src/pipelines/montage/edl-export.js';

const FORGED = '999  EVIL     V     C        00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00';

function entry(index: number, clip: number): EdlEntry {
  const at = index * 30;
  return {
    index,
    clip,
    shot: 0,
    sourceStart: 0,
    sourceEnd: 30,
    recordStart: at,
    recordEnd: at + 30,
    beat: index,
    energy: -20,
    motion: 2,
    colour: '#808080',
  };
}

const edl: Edl = {
  version: 1,
  fps: 30,
  totalFrames: 60,
  seed: 1,
  entries: [entry(0, 0), entry(1, 1)],
  skipped: { black: 0, blurry: 0, short: 0 },
};

// A clip's file name went into its FROM CLIP NAME comment as it was: a newline in it ended the
// comment and the rest of the name was read as an event of the edit.
describe('CMX3600 free text', () => {
  it.each([
    ['LF', `x\n${FORGED}.mp4`, `x_${FORGED}.mp4`],
    ['CR LF', `x\r\n${FORGED}.mp4`, `x__${FORGED}.mp4`],
    ['CR', `x\r${FORGED}.mp4`, `x_${FORGED}.mp4`],
    ['NEL', `x\u0085${FORGED}.mp4`, `x_${FORGED}.mp4`],
    ['line separator', `x\u2028${FORGED}.mp4`, `x_${FORGED}.mp4`],
  ])('keeps a clip name with a %s in it on its comment line', (_, name, written) => {
    const sources = { title: 'cut', clips: ['/media/a.mp4', `/media/${name}`], music: `/media/${name}` };
    const lines = toCmx3600(edl, sources, [30, 30]).split(/\r\n|[\n\r\u0085\u2028\u2029]/);
    expect(lines.filter((l) => /^\d{3} /.test(l)).map((l) => l.slice(0, 3))).toEqual(['001', '002', '003']);
    const names = lines.filter((l) => l.startsWith('* FROM CLIP NAME: ')).map((l) => l.slice(18));
    expect(names).toEqual(['a.mp4', written, written]);
    expect(lines).toHaveLength(12);
  });

  it('writes the title and names through one sanitiser: control characters become _, the rest stays', () => {
    expect(edlText('a\tb\u0000c\u007fd\u009fe')).toBe('a_b_c_d_e');
    expect(edlText('Überblick 1.mp4')).toBe('Überblick 1.mp4');
    const text = toCmx3600(edl, { title: 'my\ncut', clips: ['/a.mp4', '/b.mp4'], music: '/m.wav' }, [30, 30]);
    expect(text).toMatch(/^TITLE: my_cut\nFCM: NON-DROP FRAME\n/);
  });
});
