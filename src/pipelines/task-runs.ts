/**
 * A task draws at least this much of the timeline (unless the whole of it is shorter): each task
 * costs an ffmpeg start, encoder set-up and a verification, which dominate seconds-long pieces.
 */
export const MIN_TASK_SECONDS = 8;

/**
 * Consecutive items in order, in runs of at least `minLength` (but the last) and at most
 * `maxItems`: an item of `minLength` or more is a run of its own (short items before it do not
 * wait for it), and a run never outgrows `maxItems` however short its items are. Pure.
 */
export function taskRuns<T>(
  items: Iterable<T>,
  length: (item: T) => number,
  minLength: number,
  maxItems = Infinity,
): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let total = 0;
  const close = () => {
    if (run.length > 0) runs.push(run);
    run = [];
    total = 0;
  };
  for (const item of items) {
    const n = length(item);
    if (n >= minLength) close();
    run.push(item);
    total += n;
    if (total >= minLength || run.length >= maxItems) close();
  }
  close();
  return runs;
}
