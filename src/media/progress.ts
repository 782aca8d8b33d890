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
