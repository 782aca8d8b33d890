/** A child process's input and output: stdin fed, stderr cut to what an error message quotes. */
import type { Readable, Writable } from 'node:stream';

/** The last `lines` lines of `text`. Pure. */
export function tailLines(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** ffmpeg's last message: its own, not the "Last message repeated N times" after it. Pure. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Last message repeated \d+ times?$/.test(l));
  return lines.at(-1) ?? 'no message from ffmpeg';
}

/** Feeds `source` (nothing, a buffer or a stream) to a child's stdin and closes it. */
export function feedStdin(stdin: Writable, source: Readable | Buffer | undefined): void {
  // ffmpeg may exit before reading all input (for example on a bad file); that is not our error.
  stdin.on('error', () => undefined);
  if (!source) {
    stdin.end();
  } else if (Buffer.isBuffer(source)) {
    stdin.end(source);
  } else {
    source.on('error', () => stdin.destroy());
    source.pipe(stdin);
  }
}
