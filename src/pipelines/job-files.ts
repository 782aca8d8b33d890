import { mkdir, readdir, realpath, rm, rmdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FramefleetError } from '../errors.js';
import { writeAtomically, type OutputGuard, type Written } from '../storage/atomic-output.js';
import { holdInputFile, holdOutputDir, holdOutputFile, type Held } from '../storage/confined-open.js';
import { confinedStorageKey, isStorageUrl, localMedia, storageKeyOf } from '../storage/media-io.js';
import { currentRoots, type PathScope } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';

/**
 * How a pipeline opens a job's own files. Executors, planners and verifiers all go through here,
 * so confinement holds at the moment of use: with a path policy (a server's jobs), each file is
 * opened and checked against the roots that hold now, and ffmpeg gets the open file itself.
 * Without one (the CLI on one's own machine) the paths are used as they are.
 */
export interface FileScope extends PathScope {
  storage: Storage;
}

/** Runs `use` with a path ffmpeg may open for a job input; messages from it name the input as given. */
export async function withInput<T>(
  input: string,
  scope: FileScope,
  use: (path: string) => Promise<T>,
): Promise<T> {
  // A stored input is read from this worker's cached download: framefleet's own file. A confined
  // job's is held away from framefleet's own folders in storage here too, as at submit.
  if (isStorageUrl(input)) {
    if (await currentRoots(scope)) confinedStorageKey(input, scope.storage, 'input');
    const local = await localMedia(input, scope.storage);
    return renamed(use(local), input, local);
  }
  const roots = await currentRoots(scope);
  if (!roots) return use(input);
  return holding(holdInputFile(input, roots.input), input, use);
}

/** Opens each path confined (see withInput) and runs `use` while all are held. */
export async function withInputs<T>(
  paths: readonly string[],
  scope: FileScope,
  use: (local: Map<string, string>) => Promise<T>,
): Promise<T> {
  const local = new Map<string, string>();
  const step = (i: number): Promise<T> =>
    i === paths.length
      ? use(local)
      : withInput(paths[i]!, scope, (path) => {
          local.set(paths[i]!, path);
          return step(i + 1);
        });
  return step(0);
}

/** Writes a job output atomically (see writeAtomically), inside the output roots that hold now. */
export async function writeOutput<T>(
  output: string,
  scope: FileScope,
  write: (temp: string) => Promise<T>,
  guard: OutputGuard = {},
): Promise<Written<T>> {
  const roots = await currentRoots(scope);
  return writeAtomically(output, roots?.output, (temp) => renamed(write(temp), output, temp), guard);
}

/** The key of a stored (s3://) output; a confined job's is never in framefleet's own folders there. */
export async function storedOutputKey(output: string, scope: FileScope): Promise<string> {
  if (await currentRoots(scope)) return confinedStorageKey(output, scope.storage, 'output');
  return storageKeyOf(output, scope.storage);
}

/** Fails now, before any work, if the output's directory is not (or no longer) inside the roots. */
export async function checkOutputDir(output: string, scope: FileScope): Promise<void> {
  const roots = await currentRoots(scope);
  if (roots) await (await holdOutputDir(dirname(output), roots.output)).close();
}

/**
 * Makes folder `dir` (one level) inside its parent as the roots that hold now allow: the parent is
 * opened and checked first and the folder made through it, so a parent swapped for a link makes
 * nothing outside the roots. An existing folder is kept; without a path policy, mkdir -p. Returns
 * whether it made the folder (a failed publish removes only what it made).
 */
export async function makeOutputDir(dir: string, scope: FileScope): Promise<boolean> {
  const roots = await currentRoots(scope);
  if (!roots) return (await mkdir(dir, { recursive: true })) !== undefined;
  const parent = await holdOutputDir(dirname(dir), roots.output);
  try {
    return await mkdir(`${parent.path}/${basename(dir)}`).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        return false;
      },
    );
  } finally {
    await parent.close();
  }
}

/** Removes folder `dir` made by makeOutputDir if it is empty, through its parent as makeOutputDir does. */
export async function removeEmptyOutputDir(dir: string, scope: FileScope): Promise<void> {
  const roots = await currentRoots(scope);
  const parent = roots ? await holdOutputDir(dirname(dir), roots.output) : undefined;
  try {
    // rmdir removes only an empty folder: anything put there meanwhile keeps it.
    await rmdir(`${parent?.path ?? dirname(dir)}/${basename(dir)}`).catch(() => undefined);
  } finally {
    await parent?.close();
  }
}

/**
 * Removes, from an output directory, the files whose names `owned` claims and `keep` does not hold:
 * what a previous publish of the same layout left behind. Inside the roots that hold now, through
 * the open directory; anything else in the folder is never touched, nor is a file that is one of
 * `inputs` (by its real path: a job's input may bear a layout name there). Returns the names removed.
 */
export async function removeStale(
  dir: string,
  scope: FileScope,
  owned: (name: string) => boolean,
  keep: ReadonlySet<string>,
  inputs: readonly string[] = [],
): Promise<string[]> {
  const roots = await currentRoots(scope);
  const held = roots ? await holdOutputDir(dir, roots.output) : undefined;
  try {
    const base = held?.path ?? dir;
    const spared = await inputsIn(base, inputs);
    const stale = (await readdir(base))
      .filter((name) => owned(name) && !keep.has(name) && !spared.has(name))
      .sort();
    for (const name of stale) await rm(`${base}/${name}`, { force: true });
    return stale;
  } finally {
    await held?.close();
  }
}

/** The names under which `inputs` (real paths, links followed) lie directly in folder `dir`. */
async function inputsIn(dir: string, inputs: readonly string[]): Promise<Set<string>> {
  const names = new Set<string>();
  if (inputs.length === 0) return names;
  const real = await realpath(dir);
  for (const input of inputs) {
    if (isStorageUrl(input)) continue;
    const file = await realpath(input).catch(() => undefined);
    if (file !== undefined && dirname(file) === real) names.add(basename(file));
  }
  return names;
}

/** Runs `use` on a finished output (a checkpoint re-verifies), only if it lies inside the roots. */
export async function withOutput<T>(
  output: string,
  scope: FileScope,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const roots = await currentRoots(scope);
  if (!roots) return use(output);
  return holding(holdOutputFile(output, roots.output), output, use);
}

async function holding<T>(held: Promise<Held>, given: string, use: (path: string) => Promise<T>): Promise<T> {
  const file = await held;
  try {
    return await renamed(use(file.path), given, file.path);
  } finally {
    await file.close();
  }
}

/** Errors say what the user gave, not /proc/<pid>/fd/N or a cache file name. */
async function renamed<T>(work: Promise<T>, given: string, local?: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof FramefleetError && local !== undefined && local !== given) {
      error.message = error.message.replaceAll(local, given);
      const tail = error.ffmpegTail?.replaceAll(local, given);
      Object.assign(error, { ffmpegTail: tail });
    }
    throw error;
  }
}
