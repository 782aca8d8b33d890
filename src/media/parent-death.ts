import { existsSync } from 'node:fs';

/**
 * ffmpeg and ffprobe die with the process that started them. A worker killed with SIGKILL (OOM,
 * a node lost, `kill -9`) left its ffmpeg running to the end of its segment, orphaned, while the
 * task ran again elsewhere (a new user's fleet trial): ffmpeg ignores SIGPIPE and the closed pipes.
 * util-linux's setpriv sets the kernel's parent-death signal (PR_SET_PDEATHSIG, kept across exec)
 * and then execs the program: one exec more, a millisecond. Linux only; elsewhere, and where
 * setpriv is missing, the program is started as it is.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(
  (path) => process.platform === 'linux' && existsSync(path),
);

/** The command that starts `bin` with `args` so that it is killed when this process dies. */
export function diesWithParent(bin: string, args: string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, args];
}

/**
 * setpriv's own line when it could not start the program (a missing binary: exit 127), said as a
 * spawn error would be. Undefined for anything else. Pure.
 */
export function notStarted(code: number | null, stderr: string): string | undefined {
  if (!SETPRIV || (code !== 126 && code !== 127)) return undefined;
  return /^setpriv: failed to execute .*$/m.exec(stderr)?.[0].replace(/^setpriv: /, '');
}
