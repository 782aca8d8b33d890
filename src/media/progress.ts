import type { Readable } from 'node:stream';

/** One block of ffmpeg's `-progress` key=value output. */
export interface FfmpegProgress {
  frame: number;
  fps: number;
  /** Output time reached, in seconds. */
  outTimeSec: number;
  speed: number;
  done: boolean;
}

export function parseProgressBlock(block: string): FfmpegProgress {
  const values = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const number = (key: string) => {
    const parsed = Number.parseFloat(values.get(key) ?? '');
    return Number.isFinite(parsed) ? parsed : 0;
  };
  // out_time_us is the precise one; out_time_ms is misnamed microseconds in ffmpeg 5.
  const outUs = number('out_time_us') || number('out_time_ms');
  return {
    frame: number('frame'),
    fps: number('fps'),
    outTimeSec: outUs / 1e6,
    speed: number('speed'),
    done: values.get('progress') === 'end',
  };
}

/** What `watchProgress` saw: the last frame reported, and a stop for its stall timer. */
export interface ProgressWatch {
  lastFrame(): number | undefined;
  stop(): void;
}

/**
 * Reads ffmpeg's `-progress` blocks from `stream` and hands each to `onProgress`. With `stall`,
 * calls `stall.onStall` once no block has come for `stall.ms`: ffmpeg reports every half second
 * while its main loop runs, so a long silence is a hung process (every thread waiting on a lock).
 */
export function watchProgress(
  stream: Readable,
  onProgress: (progress: FfmpegProgress) => void,
  stall?: { ms: number; onStall: () => void },
): ProgressWatch {
  let lastFrame: number | undefined;
  const timer = stall ? setTimeout(stall.onStall, stall.ms) : undefined;
  timer?.unref();
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    pending += text;
    let end: number;
    while ((end = pending.search(/progress=(continue|end)\n/)) !== -1) {
      const stop = pending.indexOf('\n', end) + 1;
      const progress = parseProgressBlock(pending.slice(0, stop));
      pending = pending.slice(stop);
      timer?.refresh();
      lastFrame = progress.frame;
      onProgress(progress);
    }
  });
  return { lastFrame: () => lastFrame, stop: () => clearTimeout(timer) };
}
