import { readFileSync } from 'node:fs';

// Linux reports times in clock ticks; 100 per second on every mainstream kernel config.
const CLOCK_TICKS = 100;

/**
 * CPU seconds used so far by this process and its finished children (ffmpeg), from
 * /proc/self/stat. On a shared, loaded machine CPU time is steadier than wall time. Undefined
 * where /proc is not available.
 */
export function cpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat(5) (utime, stime, cutime, cstime); index 0 here is field 3.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}
