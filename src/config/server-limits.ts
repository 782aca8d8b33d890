/**
 * What one server takes at once and how fast a request must arrive, in framefleet.yaml's units
 * (seconds, KiB/s): each limit's default, bounds and help, the one place they live. The
 * `server:` config keys (config/schema.ts), `framefleet server`'s flags (the key in kebab-case) and
 * the server's programmatic defaults (milliseconds there) are all made from this table. Plain data:
 * the CLI reads it at every start to register the flags, so it loads no schema library.
 */
export const SERVER_LIMITS = {
  maxUploads: {
    value: 4,
    min: 1,
    max: 1024,
    help: 'uploads streaming in at once; more are 429 TOO_MANY_REQUESTS',
  },
  maxUploadsPerClient: {
    value: 2,
    min: 1,
    max: 1024,
    help: 'uploads streaming in at once from one client address; more are 429 TOO_MANY_REQUESTS',
  },
  maxEventStreams: {
    value: 64,
    min: 1,
    max: 100_000,
    help: 'live event streams (SSE) open at once; more are 429 TOO_MANY_REQUESTS',
  },
  maxEventStreamsPerClient: {
    value: 16,
    min: 1,
    max: 100_000,
    help: 'live event streams open at once to one client address; more are 429 TOO_MANY_REQUESTS',
  },
  // A client that opens an event stream and never reads it would have the server queue every event
  // for it in memory; past this many bytes waiting for it, its stream is ended.
  maxEventBufferBytes: {
    value: 1_048_576,
    min: 65_536,
    max: 1_073_741_824,
    help: 'bytes an event stream may have waiting for a client that does not read them; past it the stream is ended',
  },
  maxConnections: {
    value: 1024,
    min: 1,
    max: 1_000_000,
    help: 'connections at once; more are closed as they come',
  },
  // A client that opens every connection and sends its headers slowly (each one lives
  // --headers-timeout-s) would shut every other client out before any request is read.
  maxConnectionsPerClient: {
    value: 128,
    min: 1,
    max: 1_000_000,
    help: 'connections at once from one client address; more are closed as they come',
  },
  headersTimeoutS: {
    value: 30,
    min: 1,
    max: 3600,
    help: "time for a request's headers to arrive (408 after)",
  },
  requestTimeoutS: {
    value: 1800,
    min: 1,
    max: 86_400,
    help: 'time for a whole request, an upload included, to arrive (408 after); not less than --headers-timeout-s',
  },
  // 16 KiB/s is 128 kbit/s: a phone on a poor link still uploads faster, a trickle of a few bytes
  // a second (one client holding a slot for --request-timeout-s) does not. 0 turns the check off.
  minUploadKibPerS: {
    value: 16,
    min: 0,
    max: 1_048_576,
    help: 'KiB/s (kilobytes, not kilobits) an upload must average over --upload-rate-window-s; slower is 408 and dropped (0: no minimum)',
  },
  uploadRateWindowS: { value: 30, min: 1, max: 3600, help: 'how far back the upload rate is averaged' },
  // TCP slow start, a client's `Expect: 100-continue` wait: the first seconds are not judged.
  uploadRateGraceS: {
    value: 10,
    min: 0,
    max: 3600,
    help: 'seconds an upload runs before its rate is first judged',
  },
} as const;

export type ServerLimitKey = keyof typeof SERVER_LIMITS;

/** Each limit's default, by key. */
export const SERVER_LIMIT_DEFAULTS = Object.fromEntries(
  Object.entries(SERVER_LIMITS).map(([key, limit]) => [key, limit.value]),
) as { [K in ServerLimitKey]: number };

/** The `framefleet server` flag of a limit: its key in kebab-case (`--max-uploads-per-client`). */
export function limitFlag(key: ServerLimitKey): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
