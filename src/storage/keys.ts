import { FramefleetError, show } from '../errors.js';

/** Marks in-flight temporary names; never a valid key and never listed. */
export const TEMP_MARKER = '.ff-tmp-';

/**
 * Checks an object key: relative, '/'-separated, no '.', '..' or empty segments. Keys name objects
 * in every backend the same way, so a key that is safe on disk is also the key used on S3.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new FramefleetError('INVALID_ARGUMENT', `expected a storage key, got ${show(key)}`);
  }
  if (key.endsWith('/')) {
    throw new FramefleetError('INVALID_ARGUMENT', `a storage key cannot end with '/', got ${show(key)}`);
  }
  checkSegments(key, key.split('/'));
  return key;
}

/** Checks a listing prefix: '' (everything) or a key-like string that may end with '/'. */
export function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string') {
    throw new FramefleetError('INVALID_ARGUMENT', `expected a storage prefix, got ${show(prefix)}`);
  }
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) segments.pop();
  checkSegments(prefix, segments);
  return prefix;
}

function checkSegments(value: string, segments: string[]): void {
  if (value.startsWith('/')) {
    throw new FramefleetError('PATH_FORBIDDEN', `storage keys are relative, got the absolute ${show(value)}`);
  }
  if (value.includes('\0') || value.includes('\\')) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `a storage key cannot contain NUL or '\\', got ${show(value)}`,
    );
  }
  for (const segment of segments) {
    if (segment === '..') {
      throw new FramefleetError('PATH_FORBIDDEN', `a storage key cannot contain '..', got ${show(value)}`);
    }
    if (segment === '' || segment === '.') {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `a storage key cannot contain empty or '.' segments, got ${show(value)}`,
      );
    }
    if (segment.includes(TEMP_MARKER)) {
      throw new FramefleetError('INVALID_ARGUMENT', `${show(TEMP_MARKER)} is reserved, got ${show(value)}`);
    }
  }
}

/** Joins a backend prefix ('' or 'a/b') and a key or listing prefix. */
export function joinKey(base: string, key: string): string {
  return base === '' ? key : `${base}/${key}`;
}
