import * as z from 'zod';

/**
 * What one server takes at once and how fast a request must arrive, in framefleet.yaml's units
 * (seconds, KiB/s). The one place the defaults live: `framefleet server`'s flags and the server's
 * programmatic options (milliseconds there) are derived from these.
 */
export const SERVER_LIMIT_DEFAULTS = {
  maxUploads: 4,
  maxUploadsPerClient: 2,
  maxEventStreams: 64,
  maxEventStreamsPerClient: 16,
  maxConnections: 1024,
  headersTimeoutS: 30,
  requestTimeoutS: 1800,
  // 16 KiB/s is 128 kbit/s: a phone on a poor link still uploads faster, a trickle of a few bytes
  // a second (one client holding a slot for --request-timeout-s) does not.
  minUploadKibPerS: 16,
  uploadRateWindowS: 30,
  // TCP slow start, a client's `Expect: 100-continue` wait: the first seconds are not judged.
  uploadRateGraceS: 10,
} as const;

const d = SERVER_LIMIT_DEFAULTS;

/** The `server:` keys for the limits; each has a `framefleet server` flag of the same name in kebab-case. */
export const serverLimitsConfigShape = {
  maxUploads: z.int().min(1).max(1024).default(d.maxUploads),
  maxUploadsPerClient: z.int().min(1).max(1024).default(d.maxUploadsPerClient),
  maxEventStreams: z.int().min(1).max(100_000).default(d.maxEventStreams),
  maxEventStreamsPerClient: z.int().min(1).max(100_000).default(d.maxEventStreamsPerClient),
  maxConnections: z.int().min(1).max(1_000_000).default(d.maxConnections),
  headersTimeoutS: z.int().min(1).max(3600).default(d.headersTimeoutS),
  requestTimeoutS: z.int().min(1).max(86_400).default(d.requestTimeoutS),
  /** 0 turns the check off. */
  minUploadKibPerS: z.int().min(0).max(1_048_576).default(d.minUploadKibPerS),
  uploadRateWindowS: z.int().min(1).max(3600).default(d.uploadRateWindowS),
  uploadRateGraceS: z.int().min(0).max(3600).default(d.uploadRateGraceS),
};
