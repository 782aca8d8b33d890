import { FramefleetError, show } from '../errors.js';

/** How to reach an S3-protocol service; every field falls back to the environment. */
export interface S3Options {
  /** e.g. 'http://minio:9000'; default AWS. */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Path-style addressing (MinIO, s3rver); defaults to true when an endpoint is given. */
  forcePathStyle?: boolean;
  /** 'when_required' for S3-compatible servers that reject the SDK's default checksums. */
  checksums?: 'when_supported' | 'when_required';
  /** Multipart part size in bytes; S3's minimum is 5 MiB. */
  partSize?: number;
  /** Parts uploaded in parallel. */
  queueSize?: number;
}

export interface ResolvedS3Config {
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  forcePathStyle: boolean;
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  partSize: number;
  queueSize: number;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

/**
 * Merges explicit options over the environment: FRAMEFLEET_S3_ENDPOINT, AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, FRAMEFLEET_S3_FORCE_PATH_STYLE, FRAMEFLEET_S3_CHECKSUMS. Without keys the
 * SDK's default chain (profiles, web identity, instance metadata) supplies credentials.
 */
export function resolveS3Config(
  options: S3Options = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedS3Config {
  const endpoint = nonEmpty(
    options.endpoint ?? env.FRAMEFLEET_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
  );
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected the S3 endpoint to be an http(s) URL, got ${show(endpoint)}`,
    );
  }
  const accessKeyId = nonEmpty(options.accessKeyId ?? env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(options.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      'S3 credentials need both an access key id and a secret access key',
    );
  }
  const sessionToken = nonEmpty(options.sessionToken ?? env.AWS_SESSION_TOKEN);
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected partSize to be an integer >= ${MIN_PART_SIZE}, got ${show(partSize)}`,
    );
  }
  const queueSize = options.queueSize ?? 4;
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 64) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected queueSize to be an integer from 1 to 64, got ${show(queueSize)}`,
    );
  }
  const checksums = options.checksums ?? parseChecksums(env.FRAMEFLEET_S3_CHECKSUMS);
  return {
    endpoint,
    region: nonEmpty(options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
        : undefined,
    forcePathStyle:
      options.forcePathStyle ??
      parseBoolean(env.FRAMEFLEET_S3_FORCE_PATH_STYLE, 'FRAMEFLEET_S3_FORCE_PATH_STYLE') ??
      endpoint !== undefined,
    checksums: checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    partSize,
    queueSize,
  };
}

/** 'true'/'1'/'yes' or 'false'/'0'/'no'; undefined when unset. */
export function parseBoolean(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const lower = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  throw new FramefleetError('INVALID_ARGUMENT', `expected ${name} to be true or false, got ${show(value)}`);
}

function parseChecksums(value: string | undefined): S3Options['checksums'] {
  if (value === undefined || value === '') return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === 'when_required' || lower === 'when_supported') return lower;
  throw new FramefleetError(
    'INVALID_ARGUMENT',
    `expected FRAMEFLEET_S3_CHECKSUMS to be when_supported or when_required, got ${show(value)}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
