/** The containers a transcode writes, by ffmpeg's muxer name. */
export type AudioContainer = 'mp4' | 'mov' | 'matroska';

// What ffmpeg 5.1's muxers take by stream copy at the default strictness, under a registered tag
// (tested codec by codec). Not listed on purpose: FLAC and TrueHD in MP4 ("experimental", refused
// without -strict -2); Opus in MOV ("only supported in MP4"); Vorbis in MP4/MOV, which ffmpeg
// writes under a nonstandard tag that players do not read and that it cannot remux from MP4 into
// MOV; PCM in MP4 (no tag before ffmpeg 6.1).
const ISO_MEDIA = ['aac', 'mp3', 'mp2', 'ac3', 'eac3', 'alac', 'dts'];
/** Interleaved PCM both MOV and Matroska take (MOV also takes big-endian float and signed 8-bit). */
const PCM = ['s16le', 's16be', 's24le', 's24be', 's32le', 's32be', 'f32le', 'f64le', 'u8', 'alaw', 'mulaw'];
const MOV_ONLY_PCM = ['f32be', 'f64be', 's8'];
/** QuickTime's own audio codecs a MOV copies (old cameras and phones; tested). */
const QUICKTIME = ['gsm', 'adpcm_ima_qt'];

/** Whether a stream copy of `codec` (ffprobe's codec_name) into `container` is muxed as it is. Pure. */
export function containerHolds(container: AudioContainer, codec: string): boolean {
  const pcm = codec.startsWith('pcm_') ? codec.slice(4) : undefined;
  if (container === 'mp4') return ISO_MEDIA.includes(codec) || codec === 'opus';
  if (container === 'mov') {
    return ISO_MEDIA.includes(codec) || QUICKTIME.includes(codec) || (pcm !== undefined && isMovPcm(pcm));
  }
  // Matroska: the codecs it has its own IDs for (and Speex, by a WAVE tag, tested), and of PCM only
  // the layouts its A_PCM and ACM tags describe. Anything else (GSM, IMA ADPCM in QuickTime, WMA
  // without its block alignment) fails in the muxer or after it: deny by default.
  return pcm === undefined ? MATROSKA.includes(codec) : PCM.includes(pcm);
}

const MATROSKA = [
  ...['aac', 'ac3', 'eac3', 'dts', 'truehd', 'mlp', 'mp1', 'mp2', 'mp3', 'flac', 'alac', 'opus'],
  ...['vorbis', 'tta', 'wavpack', 'speex', 'cook', 'atrac3', 'sipr', 'ra_144', 'ra_288'],
];

function isMovPcm(format: string): boolean {
  return PCM.includes(format) || MOV_ONLY_PCM.includes(format);
}

// `--audio auto` copies what plays wherever the container does (MP4: the codecs Apple's and the
// browsers' players take; MOV: those and a camera's PCM), and encodes anything else to AAC once.
const AUTO_COPIED = ['aac', 'mp3', 'ac3', 'eac3', 'alac'];

/** Whether `--audio auto` copies `codec` into `container` rather than encoding it to AAC. Pure. */
export function autoCopies(container: AudioContainer, codec: string): boolean {
  if (container === 'matroska') return containerHolds(container, codec);
  if (AUTO_COPIED.includes(codec)) return true;
  return container === 'mov' && codec.startsWith('pcm_') && containerHolds('mov', codec);
}

/** The container of the audio task's file, and that file's extension. */
export interface AudioIntermediate {
  format: AudioContainer;
  extension: 'm4a' | 'mov' | 'mka';
}

const EXTENSIONS = { mp4: 'm4a', mov: 'mov', matroska: 'mka' } as const;

/**
 * The container the audio task writes `codec` into (undefined: the task's own AAC) for the stitch
 * to mux: MP4 where it holds the codec, as it always was; MOV for PCM, with sample-exact timing;
 * Matroska for the rest (FLAC, Vorbis, PCM MOV lacks). Any codec that may be copied into an output
 * has one. Pure.
 */
export function audioIntermediate(codec: string | undefined): AudioIntermediate {
  const format = (['mp4', 'mov', 'matroska'] as const).find(
    (f) => codec === undefined || containerHolds(f, codec),
  );
  return { format: format ?? 'matroska', extension: EXTENSIONS[format ?? 'matroska'] };
}

const NAMES: Record<AudioContainer, string> = { mp4: 'MP4', mov: 'MOV', matroska: 'Matroska' };

/** The container's name for a message: MP4, MOV, Matroska. Pure. */
export function containerName(container: AudioContainer): string {
  return NAMES[container];
}
