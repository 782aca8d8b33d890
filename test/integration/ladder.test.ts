import { execFile } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { parseMasterPlaylist, parseMediaPlaylist } from '../../src/media/hls-playlist.js';
import { probe } from '../../src/media/probe.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';

const run = promisify(execFile);

/** ffprobe's own view of a playlist or MPD: streams, and per video stream its keyframe times. */
async function ffprobe(path: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-protocol_whitelist',
    'file,crypto',
    ...extra,
    '-of',
    'json',
    path,
  ]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Presentation times of the keyframes of a rung, as ffprobe demuxes them from its playlist. */
async function keyframeTimes(playlist: string): Promise<string[]> {
  const out = await ffprobe(playlist, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags']);
  return (out.packets as { pts_time: string; flags: string }[])
    .filter((p) => p.flags.startsWith('K'))
    .map((p) => Number(p.pts_time).toFixed(3));
}

async function readJob(dataDir: string): Promise<JobRecord | undefined> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => []);
  if (ids.length !== 1) return undefined;
  const text = await readFile(join(dataDir, 'jobs', ids[0]!, 'manifest.json'), 'utf8').catch(() => '');
  try {
    return (JSON.parse(text) as { job: JobRecord }).job;
  } catch {
    return undefined;
  }
}

describe('transcode --ladder (HLS + DASH)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-'));
    source = join(dir, 'source.mp4');
    // 4 s of 320x240 at 30 fps, scene changes inside segments, with audio.
    await sampleClip({ path: source, width: 320, height: 240, fps: 30, scenes: [1.3, 1.4, 1.3] });
  });
  afterAll(() => cleanup());

  it('refuses a rung above the source, an unknown package and a non-manifest output, in one line, before any task', async () => {
    const dataDir = join(dir, 'refused');
    const cases: [string[], RegExp][] = [
      [['-o', join(dir, 'a.m3u8'), '--ladder', '480,240'], /rung 480 is above the source's height 240/],
      [
        ['-o', join(dir, 'b.m3u8'), '--ladder', '240', '--package', 'hls,smooth'],
        /unknown package type `smooth`/,
      ],
      [['-o', join(dir, 'c.mp4'), '--ladder', '240'], /must end in \.m3u8 \(HLS\) or \.mpd \(DASH\)/],
      [['-o', join(dir, 'd.m3u8')], /give a ladder/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['transcode', source, ...args, '--data-dir', dataDir]);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('framefleet: error'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    expect((await readdir(dir)).filter((f) => /^[abcd][.-]/.test(f))).toEqual([]);
    const jobs = await readdir(join(dataDir, 'jobs')).catch(() => []);
    for (const id of jobs) {
      const text = await readFile(join(dataDir, 'jobs', id, 'manifest.json'), 'utf8');
      expect(text).not.toMatch(/ladder-chunk/);
    }
  }, 120_000);

  // Found by a new user's trial: 3 s of audio past a 3 s video were dropped without a word.
  it('says so when it ends audio that runs on past the video', async () => {
    const long = join(dir, 'long-audio.mp4');
    await run('ffmpeg', [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=2'],
      ...[
        '-f',
        'lavfi',
        '-i',
        'sine=f=330:d=4',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'aac',
        long,
      ],
    ]);
    const out = join(dir, 'long-audio');
    await mkdir(out);
    const r = await runCli(['transcode', long, '-o', join(out, 'master.m3u8'), '--ladder', '120']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: input `[^`]*long-audio\.mp4` has audio running 2\.0\d\d s past its video's end \(4\.0\d\d s against 2\.000 s\): an HLS\/DASH ladder ends its audio with the video/,
    );
    const audio = (await ffprobe(join(out, 'master.m3u8'), ['-show_entries', 'stream=codec_type'])) as {
      streams: { codec_type: string }[];
    };
    expect(audio.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
  }, 120_000);

  it('survives SIGKILL, reuses finished chunks, and writes aligned, verified HLS and DASH', async () => {
    const dataDir = join(dir, 'data');
    const output = join(dir, 'out', 'master.m3u8');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'out')));
    const args = ['transcode', source, '-o', output, '--ladder', '240,180:250k,120', '--package', 'hls,dash'];
    args.push(
      '--segment-seconds',
      '1',
      '--preset',
      'fast',
      '--workers',
      '1',
      '--keep-intermediates',
      '--data-dir',
      dataDir,
    );
    const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: 'ignore' });
    let before: JobRecord | undefined;
    const deadline = Date.now() + 120_000;
    const chunksDone = (j?: JobRecord) =>
      j?.tasks.filter((t) => t.kind === 'transcode.ladder-chunk' && t.state === 'done') ?? [];
    // Killed as soon as the first chunk (every rung of its frames, from one decode) is done.
    while (Date.now() < deadline && chunksDone(before).length < 1) {
      await new Promise((r) => setTimeout(r, 50));
      before = await readJob(dataDir);
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    const finished = chunksDone(before).map((t) => t.id);
    const total = before!.tasks.filter((t) => t.kind === 'transcode.ladder-chunk').length;
    // 4 s in chunks of two 1 s segments: two chunk tasks, each encoding all three rungs.
    expect(total).toBe(2);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(total);
    await expect(stat(output)).rejects.toThrow();

    const again = await runCli([...args, '--json'], {}, 240_000);
    expect(again.code, again.stderr).toBe(0);
    const after = (await readJob(dataDir))!;
    const reused = after.tasks
      .filter((t) => t.kind === 'transcode.ladder-chunk' && t.reused)
      .map((t) => t.id);
    expect(reused.sort()).toEqual(finished.sort());
    process.stdout.write(`ladder resume: ${reused.length} of ${total} chunks reused\n`);
    // Every chunk, reused or encoded by the rerun, holds one part per rung.
    for (const t of after.tasks.filter((x) => x.kind === 'transcode.ladder-chunk')) {
      const out = t.output as { parts: { rung: string }[] };
      expect(out.parts.map((p) => p.rung)).toEqual(['240p', '180p', '120p']);
    }

    const src = await probe(source);
    const frames = src.video!.frameCount;
    const master = parseMasterPlaylist(await readFile(output, 'utf8'));
    expect(master.version).toBeGreaterThanOrEqual(7);
    expect(master.variants.map((v) => v.attributes.RESOLUTION)).toEqual(['320x240', '240x180', '160x120']);
    expect(master.media).toHaveLength(1);
    const boundaries: string[][] = [];
    for (const v of master.variants) {
      const playlistPath = join(dir, 'out', v.uri);
      const rung = join(playlistPath, '..');
      const media = parseMediaPlaylist(await readFile(playlistPath, 'utf8'));
      expect(media.segments).toHaveLength(4);
      expect(media.targetDuration).toBeGreaterThanOrEqual(
        Math.max(...media.segments.map((s) => Math.round(s.duration))),
      );
      // BANDWIDTH covers every full segment's bitrate, measured from the files here (plus the audio's).
      const peak = Math.max(
        ...(await Promise.all(
          media.segments
            .filter((s) => s.duration >= 0.5)
            .map(async (s) => ((await stat(join(rung, s.uri))).size * 8) / s.duration),
        )),
      );
      expect(Number(v.attributes.BANDWIDTH)).toBeGreaterThanOrEqual(Math.floor(peak));
      const read = await ffprobe(playlistPath, [
        '-count_frames',
        '-show_entries',
        'stream=codec_name,profile,level,width,height,nb_read_frames',
      ]);
      const s = (read.streams as Record<string, string | number>[])[0]!;
      expect(Number(s.nb_read_frames)).toBe(frames);
      expect(`${s.width}x${s.height}`).toBe(v.attributes.RESOLUTION);
      const level = Number(s.level).toString(16).padStart(2, '0');
      expect(v.attributes.CODECS).toMatch(new RegExp(`^avc1\\.(64|4d|42)[0-9a-f]{2}${level},mp4a\\.40\\.2$`));
      boundaries.push(await keyframeTimes(playlistPath));
    }
    // The audio ends with the video: as many segments, none a stray AAC frame past its end.
    const audioUri = master.media[0]!.URI!.replace(/^"|"$/g, '');
    const audioMedia = parseMediaPlaylist(await readFile(join(dir, 'out', audioUri), 'utf8'));
    expect(audioMedia.segments).toHaveLength(4);
    // IDRs on the same instants in every rung, one per 1 s segment.
    expect(boundaries[0]).toHaveLength(4);
    expect(boundaries[1]).toEqual(boundaries[0]);
    expect(boundaries[2]).toEqual(boundaries[0]);

    const mpdPath = join(dir, 'out', 'master.mpd');
    const mpdText = await readFile(mpdPath, 'utf8');
    expect(mpdText).toMatch(/<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"/);
    const dash = await ffprobe(mpdPath, ['-show_entries', 'stream=codec_type,width,height']);
    const types = (dash.streams as { codec_type: string; height?: number }[]).map(
      (s) => s.height ?? s.codec_type,
    );
    expect(types.sort()).toEqual([120, 180, 240, 'audio'].sort());
    const result = JSON.parse(again.stdout.trim().split('\n').pop()!) as {
      manifests: string[];
      segments: number;
    };
    expect(result.manifests).toEqual([output, mpdPath]);
    expect(result.segments).toBe(4);
  }, 400_000);

  it('encrypts HLS segments with AES-128 (clear key) that ffprobe decrypts with the key; square-pixel rungs from a 4:3-pixel source', async () => {
    const key = join(dir, 'k.bin');
    await writeFile(key, Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    const output = join(dir, 'enc.m3u8');
    // 2 s of 240x180 with 4:3 pixels (320x180 on screen): rungs follow the display aspect, square pixels.
    const wide = join(dir, 'sar.mp4');
    await run(
      'ffmpeg',
      ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=240x180:r=25:d=2', '-vf', 'setsar=4/3'].concat([
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        wide,
      ]),
    );
    // What a previous ladder of the same names left: a later segment goes, the user's file stays.
    await mkdir(join(dir, 'enc-120p'));
    await writeFile(join(dir, 'enc-120p', 'seg-00007.m4s'), 'stale');
    await writeFile(join(dir, 'enc-120p', 'notes.txt'), 'mine');
    const encArgs = [
      'transcode',
      wide,
      '-o',
      output,
      '--ladder',
      '120',
      '--segment-seconds',
      '2',
      '--audio',
      'none',
      '-y',
    ].concat([
      '--hls-key',
      key,
      '--hls-key-uri',
      'https://keys.example/k1',
      '--data-dir',
      join(dir, 'enc-data'),
    ]);
    const r = await runCli(encArgs, {}, 180_000);
    expect(r.code, r.stderr).toBe(0);
    const playlist = join(dir, 'enc-120p', 'index.m3u8');
    const text = await readFile(playlist, 'utf8');
    expect(text).toMatch(/#EXT-X-KEY:METHOD=AES-128,URI="https:\/\/keys\.example\/k1"/);
    // Without the key the segments are not media; with it (a local copy of the playlist), every frame reads.
    const listed = parseMediaPlaylist(text).segments.map((s) => s.uri);
    const files = (await readdir(join(dir, 'enc-120p'))).sort();
    expect(files).toEqual(['index.m3u8', 'init.mp4', 'notes.txt', ...listed].sort());
    const first = await readFile(join(dir, 'enc-120p', listed[0]!));
    expect(first.subarray(4, 8).toString('latin1')).not.toMatch(/moof|styp/);
    const local = join(dir, 'enc-120p', 'local.m3u8');
    await writeFile(local, text.replace('https://keys.example/k1', key));
    const read = await ffprobe(local, [
      '-allowed_extensions',
      'ALL',
      '-count_frames',
      '-show_entries',
      'stream=nb_read_frames,width,height,sample_aspect_ratio',
    ]);
    const s = (read.streams as Record<string, string | number>[])[0]!;
    expect(Number(s.nb_read_frames)).toBe((await probe(wide)).video!.frameCount);
    expect(`${s.width}x${s.height} ${s.sample_aspect_ratio}`).toBe('214x120 1:1');
    expect(await readFile(output, 'utf8')).toMatch(/RESOLUTION=214x120,/);
    // A published ladder whose playlists changed since is not taken for done: the rerun republishes.
    await writeFile(playlist, `${text}#EXT-X-OTHER-LADDER\n`);
    const again = await runCli(encArgs, {}, 180_000);
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(playlist, 'utf8')).not.toMatch(/OTHER-LADDER/);
  }, 200_000);
});
