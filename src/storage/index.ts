import { FileStorage } from './file-storage.js';
import { parseStorageUrl } from './parse-storage-url.js';
import { S3Storage, type S3StorageOptions } from './s3-storage.js';
import type { Storage } from './types.js';

export type { Storage, StoredObject } from './types.js';
export { FileStorage } from './file-storage.js';
export { S3Storage, type S3StorageOptions } from './s3-storage.js';
export { resolveS3Config, type S3Options } from './s3-config.js';
export { parseStorageUrl, type StorageLocation } from './parse-storage-url.js';
export { checkKey, checkPrefix } from './keys.js';

export interface OpenStorageOptions {
  /** Options for s3:// URLs; they win over the URL's query and the environment. */
  s3?: S3StorageOptions;
}

/** Opens 'file:///path', an absolute path, or 's3://bucket/prefix'. */
export function openStorage(url: string, options: OpenStorageOptions = {}): Storage {
  const location = parseStorageUrl(url);
  if (location.kind === 'file') return new FileStorage(location.root);
  return new S3Storage(location.bucket, location.prefix, { ...location.options, ...options.s3 });
}
