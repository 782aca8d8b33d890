import { FramefleetError } from '../errors.js';
import { mediaProcessesExited } from '../media/run.js';

/** Exit status of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130;

export interface InterruptOptions {
  /**
   * Stops the work cleanly: ffmpeg children ended, job state written. By default the work's own
   * promise is awaited after its signal aborts (every ffmpeg run listens to that signal).
   */
  stop?: () => Promise<void>;
  /** What to print after "interrupted; " — how to resume, or what keeps running elsewhere. */
  hint: () => string;
  /** Longest wait for a clean stop before exiting anyway. */
  graceMs?: number;
}

/**
 * Runs a long command's work so that Ctrl-C (SIGINT) or SIGTERM stops it cleanly: the signal passed
 * to `work` aborts, `stop` runs, the hint is printed and the process exits 130. A second signal
 * exits at once. Without a signal this returns the work's result or throws its error.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: InterruptOptions,
): Promise<T> {
  const controller = new AbortController();
  let stopped: Promise<void> | undefined;
  let announce: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => (announce = resolve));
  const onSignal = (name: NodeJS.Signals) => {
    if (stopped) process.exit(INTERRUPTED_EXIT);
    controller.abort(new FramefleetError('CANCELLED', `interrupted by ${name}`));
    stopped = (async () => {
      // Then every ffmpeg child has exited: none outlives the command (SIGKILL follows SIGTERM).
      const stop = async () => {
        await (options.stop ?? (() => settled(outcome)))();
        await mediaProcessesExited();
      };
      await Promise.race([
        stop(),
        new Promise((r) => setTimeout(r, options.graceMs ?? 15_000).unref()),
      ]).catch(() => undefined);
    })();
    announce();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcome = work(controller.signal);
  try {
    await Promise.race([settled(outcome), interrupted]);
    if (!controller.signal.aborted) return await outcome;
    await stopped;
    process.stderr.write(`\nframefleet: interrupted; ${options.hint()}\n`);
    process.exit(INTERRUPTED_EXIT);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}
