import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAST_X264, ffmpeg } from './media.js';

/**
 * A 4 s input in `dir` and an ffmpeg wrapper that, at the first segment encode (`-frames:v`), copies
 * another file of as many frames (the same picture negated) over it: an input overwritten while
 * its job runs.
 */
export async function inputSwapper(dir: string): Promise<{ input: string; wrapper: string }> {
  const input = join(dir, 'in.mp4');
  const other = join(dir, 'other.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=4', ...FAST_X264, '-g', '25', input]);
  await ffmpeg(['-i', input, '-vf', 'negate', ...FAST_X264, '-g', '25', other]);
  const wrapper = join(dir, 'ffmpeg-swap');
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      `case " $* " in *" -frames:v "*) [ -e "${dir}/swapped" ] || { touch "${dir}/swapped"; cp "${other}" "${input}"; } ;; esac`,
      'exec ffmpeg "$@"',
    ].join('\n'),
  );
  await chmod(wrapper, 0o755);
  return { input, wrapper };
}
