import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The error catalogue. Every error framefleet raises on purpose has a stable code, an HTTP status
 * for when it reaches the API, and `fatal` when retrying cannot help (bad media, bad input).
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { status: 400, fatal: true },
  INVALID_SPEC: { status: 400, fatal: true },
  INVALID_CONFIG: { status: 400, fatal: true },
  INPUT_NOT_FOUND: { status: 400, fatal: true },
  FONT_NOT_FOUND: { status: 400, fatal: true },
  INPUT_NOT_A_FILE: { status: 400, fatal: true },
  INPUT_NOT_MEDIA: { status: 422, fatal: true },
  // A stored job's input is not the file it was planned on (size or mtime differ): not resumed.
  INPUT_CHANGED: { status: 409, fatal: true },
  INPUT_CORRUPT: { status: 422, fatal: true },
  NO_VIDEO_STREAM: { status: 422, fatal: true },
  NO_AUDIO_STREAM: { status: 422, fatal: true },
  AUDIO_COPY_UNSUPPORTED: { status: 422, fatal: true },
  EMPTY_VIDEO: { status: 422, fatal: true },
  UNSUPPORTED_MEDIA: { status: 422, fatal: true },
  UNKNOWN_ENCODER: { status: 400, fatal: true },
  ENCODER_UNAVAILABLE: { status: 422, fatal: true },
  UNKNOWN_PROCESSOR: { status: 400, fatal: true },
  PROCESSOR_FAILED: { status: 500, fatal: false },
  PROCESSOR_TIMEOUT: { status: 504, fatal: false },
  PROCESSOR_OUTPUT: { status: 500, fatal: true },
  OUTPUT_UNWRITABLE: { status: 400, fatal: true },
  OUTPUT_IS_INPUT: { status: 400, fatal: true },
  OUTPUT_EXISTS: { status: 409, fatal: true },
  // A done job's output was moved or deleted since (`jobs resume` cannot make it again).
  OUTPUT_GONE: { status: 409, fatal: true },
  PATH_FORBIDDEN: { status: 403, fatal: true },
  URL_FORBIDDEN: { status: 403, fatal: true },
  UNAUTHORIZED: { status: 401, fatal: true },
  NOT_FOUND: { status: 404, fatal: true },
  CONFLICT: { status: 409, fatal: true },
  PAYLOAD_TOO_LARGE: { status: 413, fatal: true },
  TOO_MANY_REQUESTS: { status: 429, fatal: false },
  RANGE_NOT_SATISFIABLE: { status: 416, fatal: true },
  BAD_REQUEST: { status: 400, fatal: true },
  INVALID_JSON: { status: 400, fatal: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, fatal: true },
  HEADERS_TOO_LARGE: { status: 431, fatal: true },
  REQUEST_TIMEOUT: { status: 408, fatal: true },
  HOST_FORBIDDEN: { status: 403, fatal: true },
  CROSS_SITE_FORBIDDEN: { status: 403, fatal: true },
  FFMPEG_MISSING: { status: 500, fatal: true },
  FFMPEG_TOO_OLD: { status: 500, fatal: true },
  FFMPEG_FAILED: { status: 500, fatal: false },
  FFMPEG_TIMEOUT: { status: 504, fatal: false },
  FFMPEG_STALLED: { status: 504, fatal: false },
  CANCELLED: { status: 409, fatal: true },
  VERIFY_FAILED: { status: 500, fatal: false },
  CHECKPOINT_INVALID: { status: 500, fatal: false },
  INVALID_GRAPH: { status: 500, fatal: true },
  BACKEND_UNAVAILABLE: { status: 503, fatal: false },
  STORAGE_FAILED: { status: 500, fatal: false },
  // A full disk or a spent quota (ENOSPC, EDQUOT) where a file was written: fatal, since a retry
  // would fill the same disk again; 507 is HTTP's Insufficient Storage. One exception: a fleet
  // worker's own scratch disk, where another worker may have room (see engine/redis/own-disk-full.ts).
  NO_SPACE: { status: 507, fatal: true },
  INTERNAL: { status: 500, fatal: false },
  NO_USABLE_SHOT: { status: 422, fatal: true },
  MUSIC_TOO_SHORT: { status: 422, fatal: true },
  NO_BEATS: { status: 422, fatal: true },
  INVALID_LUT: { status: 422, fatal: true },
  FILTER_UNAVAILABLE: { status: 422, fatal: true },
  // A hardware decoder's device could not be opened here; another worker may have one (retried).
  HWACCEL_UNAVAILABLE: { status: 422, fatal: false },
  // Configuration a command cannot start with (exit 2); they never reach the API.
  DATA_DIR_UNUSABLE: { status: 400, fatal: true },
  PORT_IN_USE: { status: 400, fatal: true },
  // --redis (or redis.url) names a Redis that did not answer at start: refused, timed out, no auth.
  REDIS_UNREACHABLE: { status: 400, fatal: true },
} as const satisfies Record<string, { status: number; fatal: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FramefleetErrorOptions {
  cause?: unknown;
  /** Last lines of ffmpeg's stderr, when the error came from an ffmpeg run. */
  ffmpegTail?: string;
  /** Overrides the catalogue's default for this one error. */
  fatal?: boolean;
  details?: Record<string, unknown>;
}

export class FramefleetError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fatal: boolean;
  readonly ffmpegTail: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: FramefleetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FramefleetError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fatal = options.fatal ?? ERROR_CODES[code].fatal;
    this.ffmpegTail = options.ffmpegTail;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      fatal: this.fatal,
      ...(this.ffmpegTail ? { ffmpegTail: this.ffmpegTail } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isFramefleetError(error: unknown): error is FramefleetError {
  return error instanceof FramefleetError;
}

/** Wraps anything thrown into a FramefleetError, keeping the original as `cause`. */
export function toFramefleetError(error: unknown): FramefleetError {
  if (error instanceof FramefleetError) return error;
  const written = diskFullCode(error) ? writtenPath(error) : undefined;
  if (written !== undefined) return noSpaceError(written, error);
  const message = error instanceof Error ? error.message : String(error);
  return new FramefleetError('INTERNAL', message, { cause: error });
}

/**
 * The file a failed write of Node's was writing: a copy's error names its source first (`path`)
 * and where it wrote as `dest`.
 */
export function writtenPath(error: unknown): string | undefined {
  const { path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  return dest ?? path;
}

/** What each errno of a full disk says: no space left, or the user's quota spent. */
const DISK_FULL = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
} as const;

export type DiskFullCode = keyof typeof DISK_FULL;

/** The errno code when `error` is Node's for a full disk (ENOSPC, EDQUOT). */
export function diskFullCode(error: unknown): DiskFullCode | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  // fs.watch says ENOSPC for the inotify watch limit: no disk is full.
  if (syscall?.startsWith('watch')) return undefined;
  return code === 'ENOSPC' || code === 'EDQUOT' ? code : undefined;
}

/**
 * NO_SPACE for `path`: the disk that holds it is full (or the quota spent), with the space that is
 * left there, so the message says which disk to clear and how far it got (a tmpfs, a small volume).
 */
export function noSpaceError(
  path: string,
  cause: unknown,
  code: DiskFullCode = diskFullCode(cause) ?? 'ENOSPC',
  ffmpegTail?: string,
): FramefleetError {
  const space = freeSpace(path);
  const left = space ? ` (${bytes(space.free)} free of ${bytes(space.total)})` : '';
  return new FramefleetError('NO_SPACE', `${DISK_FULL[code]} writing ${show(path)}${left}`, {
    cause,
    ...(ffmpegTail !== undefined ? { ffmpegTail } : {}),
    details: { errno: code, path, ...(space ? { freeBytes: space.free } : {}) },
  });
}

/** Free and total bytes of the file system that holds `path` (its nearest folder that exists). */
export function freeSpace(path: string): { free: number; total: number } | undefined {
  return atNearest(path, (at) => {
    const fs = statfsSync(at);
    return { free: fs.bavail * fs.bsize, total: fs.blocks * fs.bsize };
  });
}

/**
 * `read` of `path`, else of its nearest folder that exists (a file not yet written, a folder
 * removed); undefined where `read` throws for every one up to the root.
 */
export function atNearest<T>(path: string, read: (at: string) => T): T | undefined {
  for (let at = path; ; at = dirname(at)) {
    try {
      return read(at);
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/** A size as a person reads it: B, KiB, MiB, GiB or TiB. Pure. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** How much of a value an error message echoes: enough to recognise it, never a whole upload. */
export const SHOWN_CHARS = 200;

/** Quotes a user value for an error message: `value`, cut to a short prefix with its full length. */
export function show(value: unknown): string {
  // Control characters are escaped: a value must not break a log line or hide in a terminal.
  const text = (typeof value === 'string' ? value : stringifyShallow(value)).replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (text.length <= SHOWN_CHARS) return `\`${text}\``;
  return `\`${text.slice(0, SHOWN_CHARS)}\`... (${text.length} chars)`;
}

/**
 * JSON of a value for a message, safe on anything: a cycle, a deep nesting or a BigInt cannot
 * throw, and only about SHOWN_CHARS characters of it are ever built, however large the value.
 */
function stringifyShallow(value: unknown, depth = 0): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  const array = Array.isArray(value);
  if (depth >= 4) return array ? '[...]' : '{...}';
  const parts: string[] = [];
  let length = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (length > SHOWN_CHARS) {
      parts.push('...');
      break;
    }
    const item = stringifyShallow((value as Record<string, unknown>)[key], depth + 1);
    const text = array ? item : `${JSON.stringify(key)}:${item}`;
    parts.push(text);
    length += text.length + 1;
  }
  return array ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/**
 * A URL as messages and logs may show it: no user name or password, no query or fragment (signed
 * URLs carry their credentials there), only scheme, host and path. Unparseable text is cut the same way.
 */
export function redactUrl(value: string | URL): string {
  try {
    const url = new URL(value);
    const hidden = url.search || url.hash ? '?[redacted]' : '';
    const user = url.username || url.password ? '[redacted]@' : '';
    return url.protocol.startsWith('http') || url.host
      ? `${url.protocol}//${user}${url.host}${url.pathname}${hidden}`
      : `${url.protocol}${url.pathname.replace(/[?#].*$/, '')}${hidden}`;
  } catch {
    return String(value)
      .replace(/\/\/[^/@]*@/, '//[redacted]@')
      .replace(/[?#].*$/, '?[redacted]');
  }
}

/** A URL with its password replaced by `***` (Redis, S3 endpoints): the rest stays recognisable. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}
