import { FramefleetError, show } from '../../errors.js';
import { ENCODERS, FAMILIES, encoderByName, type Codec, type EncoderDef } from './catalogue.js';

export type HwaccelPolicy = 'auto' | 'nvenc' | 'vaapi' | 'qsv' | 'amf' | 'videotoolbox' | 'none';
export const HWACCEL_POLICIES: readonly HwaccelPolicy[] = [
  'auto',
  'nvenc',
  'vaapi',
  'qsv',
  'amf',
  'videotoolbox',
  'none',
];

export interface EncoderRequest {
  /** 'auto', a family ('x264', 'nvenc', 'cpu') or an exact ffmpeg encoder name. */
  encoder: string;
  codec: Codec;
  /** FFMPEG_HWACCEL: narrows what 'auto' may pick. */
  hwaccel: HwaccelPolicy;
}

export interface EncoderChoice {
  encoder: EncoderDef;
  /** Why this one: shown to the user when 'auto' fell back to CPU. */
  reason: string;
}

const CPU_DEFAULT: Record<Codec, string> = { h264: 'libx264', hevc: 'libx265', av1: 'libsvtav1' };

/** Picks one encoder for a job from the encoders proven somewhere in the fleet. Pure. */
export function selectEncoder(request: EncoderRequest, proven: readonly string[]): EncoderChoice {
  const usable = (e: EncoderDef) => proven.includes(e.name);
  const wanted = request.encoder.trim();

  if (wanted === 'auto') {
    const gpuFamilies: string[] | undefined =
      request.hwaccel === 'auto' ? undefined : request.hwaccel === 'none' ? [] : [request.hwaccel];
    const gpu = ENCODERS.filter(
      (e) =>
        e.device !== 'cpu' &&
        e.codec === request.codec &&
        usable(e) &&
        (gpuFamilies === undefined || gpuFamilies.includes(e.family)),
    ).sort((a, b) => b.rank - a.rank)[0];
    if (gpu) return { encoder: gpu, reason: `auto: ${gpu.name} passed its smoke test` };
    const cpu = encoderByName(CPU_DEFAULT[request.codec])!;
    if (!usable(cpu)) throw unavailable(cpu.name, proven);
    const why =
      request.hwaccel === 'none'
        ? 'FFMPEG_HWACCEL=none'
        : `no ${request.hwaccel === 'auto' ? 'GPU' : request.hwaccel} ${request.codec} encoder passed its smoke test here`;
    return { encoder: cpu, reason: `auto: using ${cpu.name} on CPU (${why})` };
  }

  const exact = encoderByName(wanted);
  if (exact) {
    if (!usable(exact)) throw unavailable(exact.name, proven);
    return { encoder: exact, reason: `requested ${exact.name}` };
  }
  if (FAMILIES.includes(wanted)) {
    const family = wanted === 'cpu' ? CPU_DEFAULT[request.codec] : undefined;
    const candidates = ENCODERS.filter((e) =>
      family ? e.name === family : e.family === wanted && e.codec === request.codec,
    );
    const found = candidates.find(usable);
    if (found) return { encoder: found, reason: `requested family ${wanted}` };
    if (candidates.length > 0) throw unavailable(candidates[0]!.name, proven);
  }
  throw unknownEncoder(wanted, request.codec)!;
}

/**
 * Why `encoder` can never be chosen for `codec`, whatever the fleet: not auto, a family or a
 * catalogue encoder, or a family without an encoder for that codec. Pure; specs check it at submit.
 */
export function unknownEncoder(encoder: string, codec: Codec): FramefleetError | undefined {
  const wanted = encoder.trim();
  if (wanted === 'auto' || wanted === 'cpu' || encoderByName(wanted)) return undefined;
  if (FAMILIES.includes(wanted)) {
    if (ENCODERS.some((e) => e.family === wanted && e.codec === codec)) return undefined;
    return new FramefleetError(
      'UNKNOWN_ENCODER',
      `encoder family ${show(wanted)} has no ${codec} encoder; try another codec`,
    );
  }
  return new FramefleetError(
    'UNKNOWN_ENCODER',
    `unknown encoder ${show(wanted)}; expected auto, a family (${FAMILIES.join(', ')}) or one of ${ENCODERS.map((e) => e.name).join(', ')}`,
  );
}

/** The refusal names what can run instead: every proven encoder, the requested codec's first. */
function unavailable(name: string, proven: readonly string[]): FramefleetError {
  const codec = encoderByName(name)?.codec;
  const usable = ENCODERS.filter((e) => proven.includes(e.name)).sort(
    (a, b) => Number(b.codec === codec) - Number(a.codec === codec),
  );
  const alternatives = usable.length
    ? `usable here: ${usable.map((e) => `${e.name} (${e.codec}, ${e.device})`).join(', ')}; ` +
      `give one of them, or --encoder auto`
    : 'no encoder passed a smoke encode here; `framefleet doctor` shows why';
  return new FramefleetError(
    'ENCODER_UNAVAILABLE',
    `encoder ${show(name)} is not usable here (it did not pass a smoke encode); ${alternatives}`,
    { details: { encoder: name, usable: [...proven] } },
  );
}

export function parseHwaccelPolicy(value: string | undefined): HwaccelPolicy {
  const v = (value ?? 'auto').trim().toLowerCase() || 'auto';
  if ((HWACCEL_POLICIES as readonly string[]).includes(v)) return v as HwaccelPolicy;
  throw new FramefleetError(
    'INVALID_ARGUMENT',
    `expected FFMPEG_HWACCEL to be one of ${HWACCEL_POLICIES.join('|')}, got ${show(value)}`,
  );
}

/** Encoders worth smoke-testing for a request: what it could resolve to, nothing else. Pure. */
export function candidatesFor(request: EncoderRequest): string[] {
  const wanted = request.encoder.trim();
  if (wanted === 'auto') {
    return ENCODERS.filter(
      (e) =>
        e.codec === request.codec &&
        (e.name === CPU_DEFAULT[request.codec] ||
          (e.device !== 'cpu' &&
            request.hwaccel !== 'none' &&
            (request.hwaccel === 'auto' || e.family === request.hwaccel))),
    ).map((e) => e.name);
  }
  // An explicit request is tested with every CPU encoder beside it, so a refusal can name them.
  const cpu = Object.values(CPU_DEFAULT);
  if (encoderByName(wanted)) return [...new Set([wanted, ...cpu])];
  if (wanted === 'cpu') return [CPU_DEFAULT[request.codec]];
  const family = ENCODERS.filter((e) => e.family === wanted && e.codec === request.codec).map((e) => e.name);
  return [...new Set([...family, ...cpu])];
}
