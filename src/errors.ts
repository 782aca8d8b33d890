/**
 * The error catalogue. Every error framefleet raises on purpose has a stable code, an HTTP status
 * for when it reaches the API, and `fatal` when retrying cannot help (bad media, bad input).
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { status: 400, fatal: true },
  INVALID_SPEC: { status: 400, fatal: true },
  INPUT_NOT_FOUND: { status: 400, fatal: true },
  INPUT_NOT_A_FILE: { status: 400, fatal: true },
  INPUT_NOT_MEDIA: { status: 422, fatal: true },
  INPUT_CORRUPT: { status: 422, fatal: true },
  NO_VIDEO_STREAM: { status: 422, fatal: true },
  NO_AUDIO_STREAM: { status: 422, fatal: true },
  EMPTY_VIDEO: { status: 422, fatal: true },
  UNSUPPORTED_MEDIA: { status: 422, fatal: true },
  UNKNOWN_ENCODER: { status: 400, fatal: true },
  ENCODER_UNAVAILABLE: { status: 422, fatal: true },
  OUTPUT_UNWRITABLE: { status: 400, fatal: true },
  OUTPUT_IS_INPUT: { status: 400, fatal: true },
  OUTPUT_EXISTS: { status: 409, fatal: true },
  PATH_FORBIDDEN: { status: 403, fatal: true },
  URL_FORBIDDEN: { status: 403, fatal: true },
  UNAUTHORIZED: { status: 401, fatal: true },
  NOT_FOUND: { status: 404, fatal: true },
  CONFLICT: { status: 409, fatal: true },
  PAYLOAD_TOO_LARGE: { status: 413, fatal: true },
  FFMPEG_MISSING: { status: 500, fatal: true },
  FFMPEG_TOO_OLD: { status: 500, fatal: true },
  FFMPEG_FAILED: { status: 500, fatal: false },
  FFMPEG_TIMEOUT: { status: 504, fatal: false },
  CANCELLED: { status: 409, fatal: true },
  VERIFY_FAILED: { status: 500, fatal: false },
  CHECKPOINT_INVALID: { status: 500, fatal: false },
  BACKEND_UNAVAILABLE: { status: 503, fatal: false },
  STORAGE_FAILED: { status: 500, fatal: false },
  INTERNAL: { status: 500, fatal: false },
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
  const message = error instanceof Error ? error.message : String(error);
  return new FramefleetError('INTERNAL', message, { cause: error });
}

/** Quotes a user value for an error message: `value`. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text}\``;
}
