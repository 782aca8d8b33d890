import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { FramefleetError } from '../errors.js';
import { binaries, ensureFfmpeg } from './binaries.js';
import { type FfmpegProgress, watchProgress } from './progress.js';
import { feedStdin, lastLine, tailLines } from './child-io.js';
import { diesWithParent, notStarted } from './parent-death.js';
import { WRITE_FAILED, writeFailure } from './write-failure.js';

export {
  guardedInput,
  LOCAL_PROTOCOLS,
  localInput,
  MAX_PICTURE_PIXELS,
  MAX_PICTURE_TEXT,
  MEDIA_FORMATS,
  PICTURE_LIMIT,
} from './guarded-input.js';

export interface RunOptions {
  signal?: AbortSignal;
  /** Wall-clock limit for the run; default 30 minutes. */
  timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL on cancel or timeout. */
  killGraceMs?: number;
  onProgress?: (progress: FfmpegProgress) => void;
  /**
   * With `onProgress`: stop a run whose ffmpeg reports nothing for this long (default 5 minutes;
   * it reports every half second while its main loop runs, and a slow encoder's single frame takes
   * seconds, not minutes). A new user's fleet trial had libsvtav1 hang with every thread waiting on
   * a lock: its task held its lease until the 30-minute timeout. Not with a `stdin` stream or
   * `consumeStdout`: ffmpeg then waits on their pace.
   */
  stallMs?: number;
  /** Data written to the process' stdin, then closed. */
  stdin?: Readable | Buffer;
  /** Receives stdout as a stream (raw frames, PCM); otherwise stdout is collected and returned. */
  consumeStdout?: (stdout: Readable) => Promise<void>;
  /** What to call the run in errors, for example "encode segment 3 of job abc". */
  label?: string;
  env?: NodeJS.ProcessEnv;
  /** Working directory of the child (a processor runs in its task's scratch directory). */
  cwd?: string;
  /**
   * The run writes no file (its output is stdout): ffmpeg may start while its version is still
   * being checked, since a binary the check refuses is stopped before it could have done harm.
   */
  writesNoFile?: boolean;
  /** ffmpeg's log level; default `error` (`warning` also shows corrupt packets a demuxer skipped). */
  logLevel?: 'error' | 'warning';
  /** Lines of stderr to remember wherever they appear, not only in the tail: the first is returned. */
  watch?: RegExp;
}

export interface RunResult {
  stdout: Buffer;
  stderrTail: string;
  wallMs: number;
  /** The first stderr line `watch` matched. */
  watched?: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_STALL_MS = 5 * 60_000;
const TAIL_BYTES = 4096;

/** Runs ffmpeg with the given arguments (after a fixed prefix: no banner, no stdin interaction). */
export async function runFfmpeg(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const prefix = ['-hide_banner', '-loglevel', options.logLevel ?? 'error'];
  if (!options.stdin) prefix.push('-nostdin');
  if (options.onProgress) prefix.push('-progress', 'pipe:3', '-stats_period', '0.5');
  if (!options.writesNoFile) {
    await ensureFfmpeg();
    return spawnMedia(binaries(options.env).ffmpeg, [...prefix, ...args], options, false, true);
  }
  // The version check (a few file reads when cached) runs beside ffmpeg's own start-up instead of
  // before it; a binary it refuses is stopped, and the check's error is the one reported.
  const check = ensureFfmpeg();
  const refused = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, refused.signal]) : refused.signal;
  const run = spawnMedia(binaries(options.env).ffmpeg, [...prefix, ...args], { ...options, signal });
  run.catch(() => undefined);
  try {
    await check;
  } catch (error) {
    refused.abort();
    await run.catch(() => undefined);
    throw error;
  }
  return run;
}

/** Runs ffprobe; callers pass `-of json` and friends. */
export async function runFfprobe(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  await ensureFfmpeg();
  return spawnMedia(binaries(options.env).ffprobe, ['-hide_banner', '-loglevel', 'error', ...args], options);
}

/**
 * Runs a configured external program (a per-segment processor) through the same door as ffmpeg:
 * no shell, timeout, cancellation (SIGTERM then SIGKILL), stderr tail. Failures carry the same
 * codes as ffmpeg's (FFMPEG_FAILED, FFMPEG_TIMEOUT, FFMPEG_MISSING); callers name them. It runs
 * in a process group of its own, and a stop or its exit ends the whole group: a script's children
 * (a shell's sleep, a Python worker) would otherwise outlive it holding its pipes, and the run
 * would wait for them past its timeout.
 */
export async function runProgram(
  bin: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return spawnMedia(bin, [...args], options, true);
}

/** Every ffmpeg/ffprobe this process started that has not exited yet: a clean stop waits for them. */
const running = new Set<Promise<void>>();

/**
 * Resolves when every ffmpeg and ffprobe this process started has exited. A command stopped by
 * Ctrl-C waits for this before it exits, so no child outlives it (cancelled runs get SIGTERM, then
 * SIGKILL after their grace period).
 */
export async function mediaProcessesExited(): Promise<void> {
  while (running.size > 0) await Promise.all(running);
}

function spawnMedia(
  bin: string,
  args: string[],
  options: RunOptions,
  group = false,
  writes = false,
): Promise<RunResult> {
  const label = options.label ?? `${bin} run`;
  const started = Date.now();
  if (options.signal?.aborted) {
    return Promise.reject(new FramefleetError('CANCELLED', `${label} cancelled before it started`));
  }
  return new Promise<RunResult>((resolve, reject) => {
    // A processor runs in a group of its own, ended with it; ffmpeg and ffprobe die with this process.
    const [command, argv] = group ? [bin, args] : diesWithParent(bin, args);
    const child = spawn(command, argv, {
      stdio: ['pipe', 'pipe', 'pipe', options.onProgress ? 'pipe' : 'ignore'],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      detached: group,
    });
    const kill = (signal: NodeJS.Signals) => {
      if (!group || child.pid === undefined) return void child.kill(signal);
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group has already gone.
      }
    };
    // What is left of the group once its leader exits is stray: it holds the pipes open.
    if (group) child.once('exit', () => kill('SIGKILL'));
    const exited = new Promise<void>((done) => {
      child.once('close', () => done());
      child.once('error', () => done());
    });
    running.add(exited);
    void exited.then(() => running.delete(exited));
    const [stdin, stdout, stderrStream] = [child.stdin!, child.stdout!, child.stderr!];
    const stdoutChunks: Buffer[] = [];
    let stderr = '';
    let reason: 'timeout' | 'cancel' | 'stall' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let consumer: Promise<void> = Promise.resolve();

    const stop = (why: 'timeout' | 'cancel' | 'stall') => {
      if (reason || child.exitCode !== null) return;
      reason = why;
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), options.killGraceMs ?? 3000);
      killTimer.unref();
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    timer.unref();
    const onAbort = () => stop('cancel');
    const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    // Fed from a stream, or read by a consumer of its output, ffmpeg waits on that one's pace, not
    // its own: no watchdog then.
    const fed = (options.stdin !== undefined && !Buffer.isBuffer(options.stdin)) || !!options.consumeStdout;
    options.signal?.addEventListener('abort', onAbort, { once: true });

    stderrStream.setEncoding('utf8');
    let watched: RunResult['watched'];
    // The first line saying an output was not written, wherever it is: a long tail may push it out.
    let writeFailed: string | undefined;
    let partial = '';
    const scan = (lines: string[]) => {
      if (options.watch && !watched) watched = lines.find((l) => options.watch!.test(l))?.trim();
      if (writes && !writeFailed) writeFailed = lines.find((l) => WRITE_FAILED.test(l))?.trim();
    };
    stderrStream.on('data', (text: string) => {
      stderr = (stderr + text).slice(-TAIL_BYTES);
      if ((!options.watch || watched) && (!writes || writeFailed)) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop()!.slice(-TAIL_BYTES);
      scan(lines);
    });
    if (options.consumeStdout) {
      consumer = options.consumeStdout(stdout).catch((error: unknown) => {
        stop('cancel');
        throw error;
      });
    } else {
      stdout.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
    }
    const watch =
      options.onProgress &&
      watchProgress(
        child.stdio[3] as Readable,
        options.onProgress,
        fed ? undefined : { ms: stallMs, onStall: () => stop('stall') },
      );
    feedStdin(stdin, options.stdin);

    child.on('error', (cause) => {
      cleanup();
      reject(new FramefleetError('FFMPEG_MISSING', `cannot start \`${bin}\`: ${cause.message}`, { cause }));
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (partial) scan([partial]);
      const stderrTail = tailLines(stderr);
      const wallMs = Date.now() - started;
      if (reason === 'cancel') {
        reject(new FramefleetError('CANCELLED', `${label} cancelled`, { ffmpegTail: stderrTail }));
        return;
      }
      if (reason === 'stall') {
        const frame = watch ? watch.lastFrame() : undefined;
        const at = frame === undefined ? 'before its first report' : `after frame ${frame}`;
        reject(
          new FramefleetError(
            'FFMPEG_STALLED',
            `${label} made no progress for ${Math.round(stallMs / 1000)} s (${at}): stopped`,
            { ffmpegTail: stderrTail },
          ),
        );
        return;
      }
      if (reason === 'timeout') {
        reject(
          new FramefleetError(
            'FFMPEG_TIMEOUT',
            `${label} timed out after ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`,
            { ffmpegTail: stderrTail },
          ),
        );
        return;
      }
      const missing = notStarted(code, stderrTail);
      if (missing) {
        reject(new FramefleetError('FFMPEG_MISSING', `cannot start \`${bin}\`: ${missing}`));
        return;
      }
      const failed = writes ? writeFailure(writeFailed, stderrTail, args, label, code) : undefined;
      if (failed) {
        reject(failed);
        return;
      }
      if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        reject(
          new FramefleetError('FFMPEG_FAILED', `${label} failed (${why}): ${lastLine(stderrTail)}`, {
            ffmpegTail: stderrTail,
            details: code !== null ? { exitCode: code } : { signal },
          }),
        );
        return;
      }
      consumer.then(
        () =>
          resolve({
            stdout: Buffer.concat(stdoutChunks),
            stderrTail,
            wallMs,
            ...(watched ? { watched } : {}),
          }),
        (error: unknown) => reject(error),
      );
    });

    function cleanup() {
      clearTimeout(timer);
      if (watch) watch.stop();
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  });
}
