import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

/** The task kinds a `--json` run started. */
function taskKinds(stdout: string): string[] {
  const events = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; kind?: string; state?: string });
  return [...new Set(events.filter((e) => e.type === 'task' && e.state === 'running').map((e) => e.kind!))];
}

/** The MD5 of a file's first audio stream's packets: equal only for the same coded audio. */
function audioPackets(path: string): string {
  const args = ['-v', 'error', '-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'md5', '-'];
  return execFileSync('ffmpeg', args).toString().trim();
}

/** Once per source file: the sources do not change, and several tests compare against the same one. */
const once = <T>(read: (path: string) => T) => {
  const seen = new Map<string, T>();
  return (path: string): T => {
    if (!seen.has(path)) seen.set(path, read(path));
    return seen.get(path)!;
  };
};
const sourcePackets = once(audioPackets);
// Its audio track's header facts (length, sample rate): the frame scan of the video is not needed.
const sourceProbe = once((path: string) => probe(path, { headerOnly: true }));

// Audio a MOV camera records (PCM) or a WebM/Matroska carries (Opus, Vorbis): a copy goes through an
// audio file that holds it, and a copy the output cannot hold is refused before any work.
describe('transcode: audio codecs against output containers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-audio-codecs-'));
    await mkdir(join(dir, 'out'));
    const lavfi = ['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=3', '-f', 'lavfi', '-i', 'sine=f=440:d=3'];
    await Promise.all([
      ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'pcm_s16le', join(dir, 'cam16.mov')]),
      ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'pcm_s24le', join(dir, 'cam24.mov')]),
      ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'libopus', join(dir, 'opus.mkv')]),
      ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'libopus', join(dir, 'opus.mp4')]),
      ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'libvorbis', join(dir, 'vorbis.mkv')]),
      // Speex names no channel layout; GSM (a QuickTime phone codec) has no Matroska tag.
      ffmpeg([...lavfi, ...FAST_X264, '-ar', '16000', '-c:a', 'libspeex', join(dir, 'speex.mkv')]),
      ffmpeg([...lavfi, ...FAST_X264, '-ar', '8000', '-c:a', 'libgsm', join(dir, 'gsm.mov')]),
    ]);
  });
  afterAll(async () => cleanup());

  const run = (source: string, output: string, ...more: string[]) =>
    runCli([
      ...['transcode', join(dir, source), '-o', join(dir, 'out', output), '-y', '--json'],
      ...['--data-dir', join(dir, 'data'), ...more],
    ]);

  /** Every frame, both streams 3 s, and the source's audio packets unchanged. */
  async function expectCopied(source: string, output: string, codec: string) {
    const out = await probe(join(dir, 'out', output));
    expect(out.video!.frameCount).toBe(75);
    expect(Math.abs(out.video!.durationSec - 3)).toBeLessThan(0.001);
    expect(out.audio!.codec).toBe(codec);
    expect(Math.abs(out.audio!.durationSec - 3)).toBeLessThan(0.001);
    expect(audioPackets(join(dir, 'out', output))).toBe(sourcePackets(join(dir, source)));
  }

  it.each([
    { source: 'cam16.mov', output: 'cam16-3.mkv', audio: 'auto', codec: 'pcm_s16le' },
    { source: 'cam24.mov', output: 'cam24-3.mov', audio: 'copy', codec: 'pcm_s24le' },
  ])(
    'PCM $source -> $output (--audio $audio), 3 segments: copied',
    async ({ source, output, audio, codec }) => {
      const r = await run(source, output, '--segments', '3', '--audio', audio);
      expect(r.code, r.stderr).toBe(0);
      expect(taskKinds(r.stdout)).toContain('transcode.audio');
      await expectCopied(source, output, codec);
    },
  );

  it('PCM MOV -> MOV with --audio copy in one pass (one segment)', async () => {
    const r = await run('cam16.mov', 'cam16-1.mov', '--segments', '1', '--audio', 'copy');
    expect(r.code, r.stderr).toBe(0);
    expect(taskKinds(r.stdout)).toEqual(['transcode.whole']);
    await expectCopied('cam16.mov', 'cam16-1.mov', 'pcm_s16le');
  });

  it('PCM MOV -> MP4 with --audio auto: encoded to AAC, A/V lengths kept', async () => {
    const r = await run('cam24.mov', 'cam24-3.mp4', '--segments', '3');
    expect(r.code, r.stderr).toBe(0);
    const out = await probe(join(dir, 'out', 'cam24-3.mp4'));
    expect(out.video!.frameCount).toBe(75);
    expect(out.audio!.codec).toBe('aac');
    expect(Math.abs(out.audio!.durationSec - 3)).toBeLessThan(0.025);
  });

  it.each([
    { source: 'opus.mkv', output: 'opus.mov', segments: '3', codec: 'opus', container: 'MOV' },
    { source: 'opus.mp4', output: 'opus-1.mov', segments: '1', codec: 'opus', container: 'MOV' },
    { source: 'vorbis.mkv', output: 'vorbis.mp4', segments: '3', codec: 'vorbis', container: 'MP4' },
    { source: 'cam16.mov', output: 'pcm.mp4', segments: '1', codec: 'pcm_s16le', container: 'MP4' },
  ])(
    '--audio copy of $codec into $output ($segments segments) is refused up front',
    async ({ source, output, segments, codec, container }) => {
      const data = join(dir, `refused-${output}`);
      const r = await runCli([
        ...['transcode', join(dir, source), '-o', join(dir, 'out', output)],
        ...['--audio', 'copy', '--segments', segments, '--data-dir', data],
      ]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/\[AUDIO_COPY_UNSUPPORTED\]$/);
      expect(lines[0]).toContain(`the ${codec} audio`);
      expect(lines[0]).toContain(`${container} output`);
      expect(await readdir(join(dir, 'out'))).not.toContain(output);
      // Refused while planning: no job was started, nothing was encoded.
      expect(await readdir(join(data, 'jobs')).catch(() => [])).toEqual([]);
    },
  );

  it.each([
    { source: 'speex.mkv', output: 'speex-1.mp4', segments: '1' },
    { source: 'speex.mkv', output: 'speex-3.mp4', segments: '3' },
    { source: 'gsm.mov', output: 'gsm-3.mkv', segments: '3' },
  ])(
    '$source to $output in $segments segment(s), audio auto: encoded to AAC',
    async ({ source, output, segments }) => {
      const r = await run(source, output, '--segments', segments);
      expect(r.code, r.stderr).toBe(0);
      const out = await probe(join(dir, 'out', output));
      expect(out.video!.frameCount).toBe(75);
      expect(out.audio!.codec).toBe('aac');
      // As long as the source's audio, give or take one AAC frame (1024 samples: 128 ms at 8 kHz).
      const src = await sourceProbe(join(dir, source));
      const frame = 1024 / src.audio!.sampleRate;
      expect(Math.abs(out.audio!.durationSec - src.audio!.durationSec)).toBeLessThanOrEqual(frame + 0.001);
    },
  );

  it('gsm copied into Matroska is refused before any work', async () => {
    const r = await run('gsm.mov', 'gsm-copy.mkv', '--audio', 'copy');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/Matroska does not hold gsm.*\[AUDIO_COPY_UNSUPPORTED\]$/);
  });
});
