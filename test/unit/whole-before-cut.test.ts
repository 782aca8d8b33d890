import { describe, expect, it } from 'vitest';
import { wholeBeforeCut, type Packet } from '../../src/media/packet-times.js';

const at = (pts: number, dts: number, key = false): Packet => ({ pts, dts, duration: 1, key });

describe('wholeBeforeCut', () => {
  it('drops the partial last packet and the frames shown after its decode time', () => {
    // I0 P4 B2 B1 B3 P8 B6(partial): decode times 0..6; B5 and B7 were never written.
    const packets = [at(0, -1, true), at(4, 0), at(2, 1), at(1, 2), at(3, 3), at(8, 4), at(6, 5)];
    // Frames shown before time 5 ran whole; P4 too: the hole where B5 was starts the cut.
    expect(wholeBeforeCut(packets).map((p) => p.pts)).toEqual([0, 4, 2, 1, 3]);
  });

  it('without reordering, only the last packet', () => {
    const packets = [0, 1, 2, 3].map((t) => at(t, t));
    expect(wholeBeforeCut(packets).map((p) => p.pts)).toEqual([0, 1, 2]);
  });

  it('a packet without a decode time is cut at its presentation time', () => {
    const packets = [at(0, 0, true), at(1, NaN), at(2, NaN)];
    expect(wholeBeforeCut(packets).map((p) => p.pts)).toEqual([0, 1]);
    expect(wholeBeforeCut([])).toEqual([]);
  });
});
