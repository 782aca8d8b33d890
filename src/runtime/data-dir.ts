import { constants } from 'node:fs';
import { access, mkdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, show } from '../errors.js';

/**
 * Makes the data dir (and missing parents) or says in one line why it cannot. Parents are made one
 * at a time from the nearest existing one: Node's recursive mkdir never returns under /proc.
 */
export async function ensureDataDir(dir: string): Promise<void> {
  const unusable = unusableFor(dir);
  const missing: string[] = [];
  let existing = path.resolve(dir);
  for (;;) {
    const info = await stat(existing).catch((e: NodeJS.ErrnoException) => e);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) {
        const own = existing === path.resolve(dir);
        throw unusable(own ? 'is a file, not a folder' : `cannot be made: ${show(existing)} is a file`);
      }
      break;
    }
    if (info.code !== 'ENOENT') throw unusable(`cannot be used: ${info.code ?? info.message}`, info);
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  await refusePseudoFs(existing, unusable);
  for (const folder of missing) {
    await mkdir(folder).catch(async (e: NodeJS.ErrnoException) => {
      // Another process made it meanwhile: fine when it is a folder.
      if (e.code === 'EEXIST' && (await stat(folder)).isDirectory()) return;
      throw unusable(`cannot be made: ${e.code ?? e.message} at ${show(folder)}`, e);
    });
  }
  await writable(dir);
}

/**
 * The same refusals for a command that only reads or prunes the data dir (`jobs list|show|rm|clean`):
 * false where it does not exist yet (nothing there, and nothing is made), true where it is usable.
 * Reading (`list`, `show`) needs no write access: a data dir on a read-only mount, or another
 * user's, can be looked at.
 */
export async function checkDataDir(dir: string, use: 'read' | 'write' = 'write'): Promise<boolean> {
  const unusable = unusableFor(dir);
  const info = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    if (info.code === 'ENOENT') return false;
    throw unusable(`cannot be used: ${info.code ?? info.message}`, info);
  }
  if (!info.isDirectory()) throw unusable('is a file, not a folder');
  await refusePseudoFs(dir, unusable);
  if (use === 'write') await writable(dir);
  else
    await access(dir, constants.R_OK | constants.X_OK).catch((e: NodeJS.ErrnoException) => {
      throw unusable(`is not readable: ${e.code ?? e.message}`, e);
    });
  return true;
}

/**
 * The kernel's pseudo-filesystems (statfs f_type): files there are the kernel's, never a job's. Root
 * passes their permission checks, so a data dir on /proc looked writable, and a transcode with
 * `--data-dir /proc` retried its mkdir forever (`/proc/self`, a link, failed otherwise).
 */
const PSEUDO_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0xcafe4a11: 'bpf',
  0x6165676c: 'pstore',
  0x62656570: 'configfs',
  0x1cd1: 'devpts',
  0x42494e4d: 'binfmt_misc',
};

/** Refuses a folder on a kernel pseudo-filesystem, where `folder` (an existing one) lies. */
async function refusePseudoFs(folder: string, unusable: ReturnType<typeof unusableFor>): Promise<void> {
  const info = await statfs(folder).catch(() => undefined);
  const kind = info && PSEUDO_FS[info.type];
  if (kind) throw unusable(`is on the kernel's ${kind} filesystem, not a disk: choose a folder on a disk`);
}

function unusableFor(dir: string) {
  return (why: string, cause?: unknown) =>
    new FramefleetError('DATA_DIR_UNUSABLE', `data dir ${show(dir)} ${why}`, { cause });
}

// As every command requires, so a data dir under /proc (EPERM even for root) is refused alike.
async function writable(dir: string): Promise<void> {
  await access(dir, constants.W_OK | constants.X_OK).catch((e: NodeJS.ErrnoException) => {
    throw unusableFor(dir)(`is not writable: ${e.code ?? e.message}`, e);
  });
}
