import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, redactUrl, show } from '../errors.js';
import { insideRoots as inside, refusalReason } from '../storage/path-policy.js';

/**
 * Where clients may point the server: input/output roots and allowed URL hosts. Roots are stored
 * canonical (realpath), so a symlinked root works and a symlink inside a root cannot lead out.
 */
export interface Confinement {
  inputRoots: string[];
  outputRoots: string[];
  allowHosts: string[];
}

export { canonicalRoots, serverRoots } from '../storage/path-policy.js';

/** Rejects relative paths, `..` segments and NUL bytes before touching the filesystem. */
function checkShape(value: string, what: string): string {
  if (value.includes('\0')) throw forbidden(what, value, 'contains a NUL byte');
  if (!path.isAbsolute(value)) {
    throw new FramefleetError('INVALID_ARGUMENT', `${what} ${show(value)} must be an absolute path`);
  }
  if (value.split(/[\\/]+/).includes('..')) throw forbidden(what, value, 'contains `..`');
  return path.normalize(value);
}

function forbidden(what: string, value: string, why: string): FramefleetError {
  return new FramefleetError('PATH_FORBIDDEN', `${what} ${show(value)} ${why}`);
}

/** Resolves an input file to its real path and proves it lies under one of the roots. */
export async function confineInput(value: string, roots: readonly string[], what = 'input'): Promise<string> {
  const normal = checkShape(value, what);
  let real: string;
  try {
    real = await realpath(normal);
  } catch (cause) {
    // Say "forbidden" before "missing" for paths outside the roots, so probing reveals nothing.
    if (!inside(normal, roots)) throw forbidden(what, value, refusalReason(normal, normal, roots, 'input'));
    throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(value)} does not exist`, { cause });
  }
  if (!inside(real, roots)) throw forbidden(what, value, refusalReason(real, normal, roots, 'input'));
  return real;
}

/**
 * Resolves an output path: its parent directory must exist and be under a root once real-pathed,
 * and an existing output that is a symlink must not lead out either (it would be overwritten).
 */
export async function confineOutput(value: string, roots: readonly string[]): Promise<string> {
  const normal = checkShape(value, 'output');
  const parent = path.dirname(normal);
  let realParent: string;
  try {
    realParent = await realpath(parent);
  } catch (cause) {
    if (!inside(parent, roots))
      throw forbidden('output', value, refusalReason(parent, parent, roots, 'output'));
    throw new FramefleetError('OUTPUT_UNWRITABLE', `output directory ${show(parent)} does not exist`, {
      cause,
    });
  }
  const target = path.join(realParent, path.basename(normal));
  if (!inside(realParent, roots)) {
    throw forbidden('output', value, refusalReason(realParent, realParent, roots, 'output'));
  }
  const realTarget = await realpath(target).catch(() => target);
  if (!inside(realTarget, roots)) {
    throw forbidden('output', value, refusalReason(realTarget, normal, roots, 'output'));
  }
  return realTarget;
}

/**
 * An http(s) URL without credentials whose host is on the allowlist; every other scheme is
 * refused. A host named by address is reached as named; a host name must also resolve to public
 * addresses only when the download connects (checkedLookup).
 */
export function confineUrl(value: string, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new FramefleetError('INVALID_ARGUMENT', `input ${show(redactUrl(value))} is not a valid URL`, {
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FramefleetError(
      'URL_FORBIDDEN',
      `input ${show(redactUrl(url))}: only http and https URLs are accepted`,
    );
  }
  if (url.username || url.password) {
    throw new FramefleetError(
      'URL_FORBIDDEN',
      `input ${show(redactUrl(url))}: a URL with a user name or password is not accepted`,
    );
  }
  const host = url.hostname.toLowerCase();
  if (!allowHosts.some((allowed) => allowed.toLowerCase() === host)) {
    throw new FramefleetError(
      'URL_FORBIDDEN',
      `input host ${show(host)} is not on the allowlist${allowHosts.length ? ` (${allowHosts.join(', ')})` : ' (none configured)'}`,
    );
  }
  return url;
}
