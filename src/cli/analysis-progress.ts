import { basename } from 'node:path';

/** How often a plain (not a terminal) stderr gets a progress line on a long analysis, ms. */
const LOG_EVERY_MS = 10_000;

/**
 * Progress of one input's scene analysis on stderr, for people: a live line on a terminal (twice a
 * second at most), a plain line every 10 s in a log. None with --json or -q. A two-hour film is
 * minutes of decoding: it was silent all along. `done()` clears the live line.
 */
export function analysisProgress(
  input: string,
  flags: { json?: boolean; quiet?: boolean },
  out: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): { onProgress?: (fraction: number) => void; done: () => void } {
  if (flags.json || flags.quiet) return { done: () => undefined };
  const live = out.isTTY === true;
  const started = now();
  let last = started;
  let shown = false;
  const onProgress = (fraction: number) => {
    const at = now();
    if (at - last < (live ? 500 : LOG_EVERY_MS)) return;
    last = at;
    const elapsed = (at - started) / 1000;
    const eta = fraction > 0.02 ? ` ETA ${Math.round((elapsed * (1 - fraction)) / fraction)}s` : '';
    const line = `${(fraction * 100).toFixed(1).padStart(5)}%  scenes ${basename(input)}${eta}`;
    out.write(live ? `\r${line}\x1b[K` : `${line}\n`);
    shown = true;
  };
  return { onProgress, done: () => void (live && shown && out.write('\r\x1b[K')) };
}
