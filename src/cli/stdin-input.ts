import { createWriteStream, fstatSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FramefleetError, show } from '../errors.js';
import { STDIN } from './common.js';

/** Prefix of the private folder standard input is copied into, under os.tmpdir(). */
export const STDIN_DIR_PREFIX = 'framefleet-stdin-';

/** The most standard input is copied (8 GiB): a stream that never ends must not fill the disk. */
export const STDIN_MAX_BYTES = 8 * 1024 ** 3;
const STDIN_MAX_TEXT = '8 GiB';

/**
 * Refuses what `-` cannot mean for `command` before any work: more than one `-` (standard input
 * can be read once), `-` with --aggregate or for a proxy, and a terminal as standard input (the
 * user piped nothing: reading would wait for typing) or a directory. Returns whether standard
 * input is an input.
 */
export function checkStdinInputs(
  command: string,
  inputs: readonly string[],
  options: { aggregate?: boolean; isTTY?: boolean } = {},
): boolean {
  const count = inputs.filter((input) => input === STDIN).length;
  if (count === 0) return false;
  if (count > 1) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `input ${show(STDIN)} (standard input) is given ${count} times; it can be read once, name the other files`,
    );
  }
  if (command === 'proxy' || options.aggregate) {
    const what = command === 'proxy' ? '`analyze proxy`' : '`analyze scenes --aggregate`';
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `${what} does not read standard input (input ${show(STDIN)}); name the file`,
    );
  }
  if (options.isTTY ?? process.stdin.isTTY) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `input ${show(STDIN)} reads standard input, which is a terminal; pipe a file in (cat song.mp3 | framefleet analyze ${command} -) or name the file`,
    );
  }
  // `< folder` reads as nothing at all: say what it is instead of "empty".
  const info = (() => {
    try {
      return fstatSync(0);
    } catch {
      return undefined;
    }
  })();
  if (info?.isDirectory()) {
    throw new FramefleetError(
      'INPUT_NOT_A_FILE',
      `input ${show(STDIN)} reads standard input, which is a directory, not a media file`,
    );
  }
  return true;
}

export interface SpooledStdin {
  /** The file holding what standard input held. */
  readonly path: string;
  /** Removes the file and its folder (also done at exit, should the command not get to it). */
  remove(): Promise<void>;
}

/**
 * Copies standard input (or `input`) to a file in a new private folder under os.tmpdir() (the
 * folder 0700, the file 0600), so that it is analysed exactly as a named file is (ffmpeg may seek
 * it, scenes decode it in parallel shards). More than `maxBytes` is refused, naming the limit; an
 * empty input is refused as an empty file is. `signal` stops the copy. The folder is removed
 * whatever happens: by `remove`, on any error here, and at process exit.
 */
export async function spoolStdin(
  signal: AbortSignal,
  input: Readable = process.stdin,
  maxBytes = STDIN_MAX_BYTES,
): Promise<SpooledStdin> {
  const dir = await mkdtemp(join(tmpdir(), STDIN_DIR_PREFIX)).catch((cause: unknown) => {
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot copy standard input (input ${show(STDIN)}) to the temporary folder ${show(tmpdir())}: ${(cause as Error).message}`,
      { cause },
    );
  });
  // A second Ctrl-C exits at once: the folder goes then too.
  const atExit = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', atExit);
  const remove = async () => {
    await rm(dir, { recursive: true, force: true });
    process.off('exit', atExit);
  };
  const path = join(dir, 'stdin');
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes <= maxBytes) return done(null, chunk);
      done(
        new FramefleetError(
          'PAYLOAD_TOO_LARGE',
          `standard input (input ${show(STDIN)}) is over ${maxBytes === STDIN_MAX_BYTES ? STDIN_MAX_TEXT : `${maxBytes} bytes`}, the most framefleet copies of it; save it to a file and name that`,
        ),
      );
    },
  });
  try {
    await pipeline(input, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }), { signal });
  } catch (cause) {
    await remove();
    if (signal.aborted) throw signal.reason ?? cause;
    if (cause instanceof FramefleetError) throw cause;
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot copy standard input (input ${show(STDIN)}) to ${show(path)}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (bytes === 0) {
    await remove();
    throw new FramefleetError('INPUT_NOT_MEDIA', `input ${show(STDIN)} (standard input) is empty (0 bytes)`);
  }
  return { path, remove };
}
