import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FramefleetError, show } from '../errors.js';
import { parseBoolean, type S3Options } from './s3-config.js';

export type StorageLocation =
  { kind: 'file'; root: string } | { kind: 's3'; bucket: string; prefix: string; options: S3Options };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses 'file:///data/jobs', '/data/jobs' or 's3://bucket/prefix'. An s3 URL may carry
 * ?endpoint=http://minio:9000&region=eu-west-1&pathStyle=true, so one flag can name a MinIO store.
 */
export function parseStorageUrl(url: string): StorageLocation {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected a storage URL (file:///path or s3://bucket/prefix), got ${show(url)}`,
    );
  }
  if (path.isAbsolute(url)) return { kind: 'file', root: path.resolve(url) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected a storage URL (file:///path, an absolute path or s3://bucket/prefix), got ${show(url)}`,
    );
  }
  if (parsed.protocol === 'file:') {
    if (parsed.host !== '' && parsed.host !== 'localhost') {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `a file:// storage URL cannot name a host, got ${show(url)}`,
      );
    }
    if (parsed.search !== '' || parsed.hash !== '') {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `a file:// storage URL takes no query or fragment, got ${show(url)}`,
      );
    }
    return { kind: 'file', root: path.resolve(fileURLToPath(parsed)) };
  }
  if (parsed.protocol === 's3:') return parseS3(url, parsed);
  throw new FramefleetError(
    'INVALID_ARGUMENT',
    `unsupported storage URL scheme ${show(parsed.protocol)} in ${show(url)}; use file:// or s3://`,
  );
}

function parseS3(url: string, parsed: URL): StorageLocation {
  const bucket = parsed.hostname;
  if (!BUCKET.test(bucket)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected an S3 bucket name (3-63 of a-z 0-9 . -) in ${show(url)}, got ${show(bucket)}`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '' || parsed.hash !== '') {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `an s3:// storage URL takes no credentials, port or fragment: ${show(url)}`,
    );
  }
  const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  const options: S3Options = {};
  for (const [name, value] of parsed.searchParams) {
    if (name === 'endpoint') options.endpoint = value;
    else if (name === 'region') options.region = value;
    else if (name === 'pathStyle' || name === 'forcePathStyle')
      options.forcePathStyle = parseBoolean(value, name);
    else {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `unknown option ${show(name)} in ${show(url)}; expected endpoint, region or pathStyle`,
      );
    }
  }
  return { kind: 's3', bucket, prefix, options };
}
