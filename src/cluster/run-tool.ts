import { execFile } from 'node:child_process';

/** Runs a probe tool and returns its stdout, or undefined when it is missing, fails or times out. */
export type ToolRunner = (
  command: string,
  args: readonly string[],
  timeoutMs: number,
) => Promise<string | undefined>;

export const runTool: ToolRunner = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
