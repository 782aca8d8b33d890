import { execFile } from 'node:child_process';

/** Runs a helper program (fc-match, espeak-ng) without a shell; stdout, or undefined when it is missing or fails. */
export function runHelper(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}
