import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, readdir, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { FramefleetError, isFramefleetError, show } from '../errors.js';
import { byteLimit } from './byte-limit.js';
import { checkKey, checkPrefix, TEMP_MARKER } from './keys.js';
import type { Storage, StoredObject } from './types.js';

/**
 * Storage on a filesystem: local disk, NFS or a PVC. Every write goes to a temporary name in the
 * target's directory and is renamed into place, so readers see the old object or the new one,
 * never half of one. Keys are confined to the root, symlinks included.
 */
export class FileStorage implements Storage {
  readonly url: string;
  /** The canonical (realpath) root. */
  readonly root: string;

  constructor(root: string) {
    const resolved = path.resolve(root);
    try {
      mkdirSync(resolved, { recursive: true });
      this.root = realpathSync(resolved);
    } catch (cause) {
      throw new FramefleetError(
        'STORAGE_FAILED',
        `cannot open storage root ${show(resolved)}: ${message(cause)}`,
        {
          cause,
        },
      );
    }
    this.url = pathToFileURL(this.root).href;
  }

  async put(key: string, localPath: string, options: { move?: boolean } = {}): Promise<StoredObject> {
    const target = await this.resolve(key);
    return this.publish(key, target, async (temp) => {
      if (options.move) {
        try {
          await rename(localPath, temp);
          return;
        } catch (error) {
          if (errno(error) !== 'EXDEV') throw error;
        }
        await copyFile(localPath, temp);
        await unlink(localPath);
      } else {
        await copyFile(localPath, temp);
      }
    });
  }

  async putStream(
    key: string,
    stream: NodeJS.ReadableStream,
    options: { maxBytes?: number } = {},
  ): Promise<StoredObject> {
    const target = await this.resolve(key);
    const limiter = byteLimit(options.maxBytes, `the upload to ${show(key)}`);
    return this.publish(key, target, (temp) =>
      pipeline(stream, limiter, createWriteStream(temp, { flags: 'wx' })),
    );
  }

  /** The object is already local: returns its path and copies nothing. */
  async fetch(key: string, _localPath: string): Promise<string> {
    const target = await this.resolve(key);
    if (!(await this.stat(key))) {
      throw new FramefleetError('NOT_FOUND', `no object ${show(key)} in ${show(this.url)}`);
    }
    return target;
  }

  localPath(key: string): string {
    const target = path.join(this.root, checkKey(key));
    this.assertInside(
      deepestReal(target, (p) => realpathSync(p)),
      key,
    );
    return target;
  }

  async readUrl(key: string): Promise<string> {
    return this.resolve(key);
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const target = await this.resolve(key);
    try {
      const info = await stat(target);
      return info.isFile() ? { key, size: info.size, mtimeMs: info.mtimeMs } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failed('stat', key, error);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkPrefix(prefix);
    const dirKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const dir = dirKey === '' ? this.root : await this.resolve(dirKey);
    const found: StoredObject[] = [];
    try {
      await walk(dir, dirKey, prefix, found);
    } catch (error) {
      throw this.failed('list', prefix, error);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const target = await this.resolve(key);
    try {
      await rm(target, { force: true });
    } catch (error) {
      throw this.failed('delete', key, error);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (checkPrefix(prefix) === '') {
      throw new FramefleetError('INVALID_ARGUMENT', `refusing to delete everything under ${show(this.url)}`);
    }
    if (prefix.endsWith('/')) {
      const dir = await this.resolve(prefix.slice(0, -1));
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
        throw this.failed('delete', prefix, error);
      });
      return;
    }
    for (const object of await this.list(prefix)) await this.delete(object.key);
  }

  /** Validates the key and checks that what it names (or its nearest existing parent) is inside. */
  private async resolve(key: string): Promise<string> {
    const target = path.join(this.root, checkKey(key));
    let probe = target;
    for (;;) {
      try {
        this.assertInside(await realpath(probe), key);
        return target;
      } catch (error) {
        if (!isMissing(error) || probe === this.root) throw error;
        probe = path.dirname(probe);
      }
    }
  }

  private assertInside(real: string, key: string): void {
    if (real !== this.root && !real.startsWith(this.root + path.sep)) {
      throw new FramefleetError(
        'PATH_FORBIDDEN',
        `storage key ${show(key)} resolves outside ${show(this.url)}`,
      );
    }
  }

  private async publish(
    key: string,
    target: string,
    write: (temp: string) => Promise<void>,
  ): Promise<StoredObject> {
    const dir = path.dirname(target);
    const temp = path.join(dir, `.${path.basename(target)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(dir, { recursive: true });
      await write(temp);
      await rename(temp, target);
      const info = await stat(target);
      return { key, size: info.size, mtimeMs: info.mtimeMs };
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw isFramefleetError(error) ? error : this.failed('put', key, error);
    }
  }

  private failed(op: string, key: string, cause: unknown): FramefleetError {
    return new FramefleetError(
      'STORAGE_FAILED',
      `${op} of ${show(key)} in ${show(this.url)} failed: ${message(cause)}`,
      {
        cause,
      },
    );
  }
}

/** Regular files only; symlinks are not followed, so a listing never leaves the root. */
async function walk(dir: string, dirKey: string, prefix: string, out: StoredObject[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.includes(TEMP_MARKER)) continue;
    const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) await walk(full, key, prefix, out);
    } else if (entry.isFile() && key.startsWith(prefix)) {
      const info = await stat(full).catch(() => undefined);
      if (info) out.push({ key, size: info.size, mtimeMs: info.mtimeMs });
    }
  }
}

function deepestReal(target: string, real: (p: string) => string): string {
  for (let probe = target; ; probe = path.dirname(probe)) {
    try {
      return real(probe);
    } catch (error) {
      if (!isMissing(error) || path.dirname(probe) === probe) throw error;
    }
  }
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(error: unknown): boolean {
  const code = errno(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
