import { readFile } from 'node:fs/promises';
import type { PlanContext, TaskGraph, TaskSpec } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import { outputFormat } from '../transcode/spec.js';
import { hasFilters, parseCubeLut } from './cube-lut.js';
import type { ClipPayload, EditPayload, MontageLayout, MusicPayload } from './payloads.js';
import { frameSize, storyboardPath, type MontageSpec } from './spec.js';

/**
 * Checks everything that can be known before analysis (outputs, the music's length, the LUT,
 * vidstab), chooses the job's one encoder, and plans one analysis task per clip, one for the music
 * and the edit, which adds the renders and the stitch once it has computed the edit list.
 */
export async function planMontage(spec: MontageSpec, ctx: PlanContext): Promise<TaskGraph> {
  const layout = await montageLayout(spec, ctx);
  const tasks: TaskSpec[] = spec.clips.map((path, index) => ({
    id: `clip-${index}`,
    kind: 'montage.clip',
    payload: { index, path } satisfies ClipPayload,
    requires: { device: 'cpu' },
    dependsOn: [],
    weight: 10,
  }));
  tasks.push({
    id: 'music',
    kind: 'montage.music',
    payload: { path: spec.music } satisfies MusicPayload,
    requires: { device: 'cpu' },
    dependsOn: [],
    weight: 5,
    // The one task every edit waits for, whatever the number of clips: start it first.
    priority: 1,
  });
  tasks.push({
    id: 'edit',
    kind: 'montage.edit',
    payload: { layout } satisfies EditPayload,
    requires: { device: 'cpu' },
    dependsOn: tasks.map((t) => t.id),
    weight: 1,
  });
  return { tasks, rootTaskId: 'edit' };
}

async function montageLayout(spec: MontageSpec, ctx: PlanContext): Promise<MontageLayout> {
  const format = outputFormat(spec.output)!;
  const inputs = [...spec.clips, spec.music, ...(spec.lut ? [spec.lut] : [])];
  const storyboard = storyboardPath(spec.output);
  for (const output of [spec.output, spec.edl, spec.otio, storyboard]) {
    if (output === undefined) continue;
    await checkOutputTarget(output, inputs, { overwrite: spec.overwrite, storage: ctx.storage });
    if (!isStorageUrl(output)) await checkOutputDir(output, ctx);
  }
  const music = await withInput(spec.music, ctx, (local) =>
    probe(local, { signal: ctx.signal, headerOnly: true }),
  );
  if (!music.audio)
    throw new FramefleetError('NO_AUDIO_STREAM', `music ${show(spec.music)} has no audio stream`);
  const musicSec = music.audio.durationSec > 0 ? music.audio.durationSec : music.durationSec;
  const durationSec = spec.duration ?? Math.floor(musicSec * spec.fps) / spec.fps;
  if (musicSec + 1e-3 < durationSec) {
    throw new FramefleetError(
      'MUSIC_TOO_SHORT',
      `music ${show(spec.music)} is ${musicSec.toFixed(3)} s long, shorter than the requested duration of ${durationSec} s`,
    );
  }
  for (const clip of spec.clips) {
    const info = await withInput(clip, ctx, (local) =>
      probe(local, { signal: ctx.signal, headerOnly: true }),
    );
    if (!info.video) throw new FramefleetError('NO_VIDEO_STREAM', `clip ${show(clip)} has no video stream`);
  }
  if (spec.lut) {
    const lut = spec.lut;
    await withInput(lut, ctx, async (local) => parseCubeLut(await readFile(local, 'utf8'), lut));
  }
  if (spec.stabilize) await requireVidstab(ctx.signal);
  const choice = selectEncoder(
    { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
    ctx.capabilities.encoders,
  );
  ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);
  const { width, height } = frameSize(spec.aspect, spec.height);
  return {
    clips: spec.clips,
    music: spec.music,
    output: spec.output,
    overwrite: spec.overwrite,
    format,
    fps: spec.fps,
    totalFrames: Math.round(durationSec * spec.fps),
    width,
    height,
    seed: spec.seed,
    lut: spec.lut,
    stabilize: spec.stabilize,
    encoder: choice.encoder.name,
    settings: { quality: spec.quality, preset: spec.preset, gopFrames: 2 * spec.fps },
    audioBitrateKbps: spec.audioBitrateKbps,
    edl: spec.edl,
    otio: spec.otio,
    storyboard,
    prefix: ctx.scratchPrefix,
  };
}

/** Refuses `stabilize` on an ffmpeg built without libvidstab, naming the binary. */
export async function requireVidstab(signal?: AbortSignal): Promise<void> {
  const { stdout } = await runFfmpeg(['-filters'], { signal, label: 'list ffmpeg filters' });
  if (!hasFilters(stdout.toString('utf8'), ['vidstabdetect', 'vidstabtransform'])) {
    throw new FramefleetError(
      'FILTER_UNAVAILABLE',
      `--stabilize needs ffmpeg's vidstab filters (vidstabdetect, vidstabtransform); the ffmpeg at ${show(process.env.FFMPEG_PATH || 'ffmpeg')} was built without libvidstab`,
    );
  }
}
