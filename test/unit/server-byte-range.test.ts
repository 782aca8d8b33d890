import { describe, expect, it } from 'vitest';
import { byteRange } from '../../src/server/send-file.js';

describe('byteRange: one Range header against a file size', () => {
  it.each([
    ['no header', undefined, 100, undefined],
    ['the first ten bytes', 'bytes=0-9', 100, { start: 0, end: 9 }],
    ['from an offset to the end', 'bytes=90-', 100, { start: 90, end: 99 }],
    ['the last ten bytes', 'bytes=-10', 100, { start: 90, end: 99 }],
    ['a suffix longer than the file', 'bytes=-500', 100, { start: 0, end: 99 }],
    ['an end past the file, cut to it', 'bytes=50-500', 100, { start: 50, end: 99 }],
    ['the last byte', 'bytes=99-99', 100, { start: 99, end: 99 }],
    ['a start past the end', 'bytes=100-', 100, 'unsatisfiable'],
    ['an empty suffix', 'bytes=-0', 100, 'unsatisfiable'],
    ['any range of an empty file', 'bytes=0-', 0, 'unsatisfiable'],
    ['an end before the start (ignored)', 'bytes=9-0', 100, undefined],
    ['several ranges (whole file)', 'bytes=0-1,5-6', 100, undefined],
    ['another unit', 'items=0-1', 100, undefined],
    ['no numbers', 'bytes=-', 100, undefined],
    ['a negative start', 'bytes=-5-9', 100, undefined],
    ['junk', 'bytes=a-b', 100, undefined],
  ])('%s: %s of %d bytes', (_name, header, size, expected) => {
    expect(byteRange(header, size)).toEqual(expected);
  });
});
