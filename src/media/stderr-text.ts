/** What an ffmpeg run's stderr says, cut to what an error message quotes. */

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
