import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';

/** Spec fields that name files or reach ffmpeg, attacked through the API of a real server. */
describe('job specs through the API', () => {
  let h: Harness;
  let outside: string;
  const submit = async (type: string, spec: Record<string, unknown>) => {
    const response = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, spec }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error?: { code: string; message: string } },
    };
  };

  beforeAll(async () => {
    h = await startServer();
    outside = path.join(h.dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'aes.key'), Buffer.alloc(16, 7));
    await writeFile(path.join(h.inputDir, 'a.mp4'), 'placeholder');
    await symlink(path.join(outside, 'aes.key'), path.join(h.inputDir, 'link.key'));
    await mkdir(path.join(h.outputDir, 'hls'));
  });

  afterAll(async () => {
    // Nothing was queued: every attack was refused at submit.
    expect((await h.runtime.backend.list()).total).toBe(0);
    await h.close();
  });

  it.each([
    ['a key file outside the input roots', () => path.join(outside, 'aes.key')],
    ['a key file whose link leads outside', () => path.join(h.inputDir, 'link.key')],
  ])('refuses a ladder with %s at submit (403 PATH_FORBIDDEN)', async (_what, key) => {
    const r = await submit('transcode', {
      input: path.join(h.inputDir, 'a.mp4'),
      output: path.join(h.outputDir, 'hls', 'a.m3u8'),
      ladder: [{ height: 144 }],
      hlsKey: key(),
      hlsKeyUri: 'https://keys.example/k1',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error?.code).toBe('PATH_FORBIDDEN');
  });

  it('refuses a key URI that would write lines into the playlists (400 INVALID_SPEC)', async () => {
    await writeFile(path.join(h.inputDir, 'aes.key'), Buffer.alloc(16, 1));
    const r = await submit('transcode', {
      input: path.join(h.inputDir, 'a.mp4'),
      output: path.join(h.outputDir, 'hls', 'a.m3u8'),
      ladder: [{ height: 144 }],
      hlsKey: path.join(h.inputDir, 'aes.key'),
      hlsKeyUri: 'https://k/key\n#EXTINF:4,\n../../../../etc/hostname\n#',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error?.code).toBe('INVALID_SPEC');
    expect(r.body.error?.message).toContain('`body.spec.hlsKeyUri` must be a URI of printable ASCII');
  });

  it('refuses a trivia voice that is a path (400 INVALID_SPEC, said in words)', async () => {
    const r = await submit('render', {
      output: path.join(h.outputDir, 'quiz.mp4'),
      template: 'trivia',
      quiz: {
        title: 'Quiz',
        questions: [{ question: 'Two?', answers: ['1', '2', '3', '4'], correct: 1 }],
        voice: '../../../../etc/passwd',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error?.code).toBe('INVALID_SPEC');
    expect(r.body.error?.message).toContain('`body.spec.quiz.voice` must be an espeak-ng voice name');
  });
});
