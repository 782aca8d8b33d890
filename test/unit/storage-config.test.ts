import { describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { checkKey, checkPrefix } from '../../src/storage/keys.js';
import { parseStorageUrl } from '../../src/storage/parse-storage-url.js';
import { resolveS3Config } from '../../src/storage/s3-config.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof FramefleetError ? error.code : 'not a FramefleetError';
  }
}

describe('parseStorageUrl', () => {
  it.each([
    ['file:///data/jobs', { kind: 'file', root: '/data/jobs' }],
    ['file:///data/jobs/', { kind: 'file', root: '/data/jobs' }],
    ['file://localhost/data', { kind: 'file', root: '/data' }],
    ['/mnt/nfs/ff', { kind: 'file', root: '/mnt/nfs/ff' }],
    ['/mnt/nfs/../ff', { kind: 'file', root: '/mnt/ff' }],
    ['s3://my-bucket', { kind: 's3', bucket: 'my-bucket', prefix: '', options: {} }],
    ['s3://my-bucket/a/b/', { kind: 's3', bucket: 'my-bucket', prefix: 'a/b', options: {} }],
    [
      's3://media.example/p?endpoint=http://minio:9000&region=eu-west-1&pathStyle=true',
      {
        kind: 's3',
        bucket: 'media.example',
        prefix: 'p',
        options: { endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true },
      },
    ],
  ])('%s', (url, expected) => {
    expect(parseStorageUrl(url)).toEqual(expected);
  });

  it.each([
    ['', 'expected a storage URL'],
    ['relative/dir', 'relative/dir'],
    ['http://example.com/x', 'unsupported storage URL scheme `http:`'],
    ['file://server/share', 'cannot name a host'],
    ['s3://Bad_Bucket/x', '`Bad_Bucket`'],
    ['s3://ab/x', '`ab`'],
    ['s3://bucket/x?acl=public', 'unknown option `acl`'],
    ['s3://bucket/x?pathStyle=maybe', '`maybe`'],
    ['s3://user:pw@bucket/x', 'no credentials'],
  ])('rejects %s naming the value', (url, message) => {
    expect(() => parseStorageUrl(url)).toThrow(message);
    expect(codeOf(() => parseStorageUrl(url))).toBe('INVALID_ARGUMENT');
  });
});

describe('checkKey / checkPrefix', () => {
  it.each([
    ['a', undefined],
    ['jobs/abc/seg-0001.mp4', undefined],
    ['a b/ü.mp4', undefined],
    ['', 'INVALID_ARGUMENT'],
    ['a/', 'INVALID_ARGUMENT'],
    ['a//b', 'INVALID_ARGUMENT'],
    ['./a', 'INVALID_ARGUMENT'],
    ['a\\b', 'INVALID_ARGUMENT'],
    ['a\0b', 'INVALID_ARGUMENT'],
    ['a/.x.ff-tmp-1234', 'INVALID_ARGUMENT'],
    ['/etc/passwd', 'PATH_FORBIDDEN'],
    ['..', 'PATH_FORBIDDEN'],
    ['a/../../b', 'PATH_FORBIDDEN'],
  ])('key %j -> %s', (key, code) => {
    expect(codeOf(() => checkKey(key))).toBe(code);
  });

  it.each([
    ['', undefined],
    ['jobs/', undefined],
    ['jobs/ab', undefined],
    ['/', 'PATH_FORBIDDEN'],
    ['../', 'PATH_FORBIDDEN'],
    ['a//', 'INVALID_ARGUMENT'],
  ])('prefix %j -> %s', (prefix, code) => {
    expect(codeOf(() => checkPrefix(prefix))).toBe(code);
  });
});

describe('resolveS3Config', () => {
  it('takes endpoint, region, credentials and path style from the environment', () => {
    const config = resolveS3Config(
      {},
      {
        AWS_ENDPOINT_URL: 'http://minio:9000',
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
        FRAMEFLEET_S3_FORCE_PATH_STYLE: 'false',
      },
    );
    expect(config).toMatchObject({
      endpoint: 'http://minio:9000',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: false,
      checksums: 'WHEN_SUPPORTED',
    });
  });

  it('prefers explicit options, then FRAMEFLEET_S3_ENDPOINT, and defaults sensibly', () => {
    const env = { FRAMEFLEET_S3_ENDPOINT: 'http://a:1', AWS_ENDPOINT_URL: 'http://b:2' };
    expect(resolveS3Config({}, env).endpoint).toBe('http://a:1');
    expect(resolveS3Config({}, env).forcePathStyle).toBe(true);
    expect(resolveS3Config({ endpoint: 'https://c', forcePathStyle: false }, env)).toMatchObject({
      endpoint: 'https://c',
      forcePathStyle: false,
    });
    expect(resolveS3Config({}, {})).toMatchObject({
      endpoint: undefined,
      region: 'us-east-1',
      credentials: undefined,
      forcePathStyle: false,
    });
    expect(resolveS3Config({}, { FRAMEFLEET_S3_CHECKSUMS: 'when_required' }).checksums).toBe('WHEN_REQUIRED');
  });

  it.each([
    [{ endpoint: 'minio:9000' }, {}, '`minio:9000`'],
    [{}, { FRAMEFLEET_S3_FORCE_PATH_STYLE: 'sometimes' }, '`sometimes`'],
    [{}, { AWS_ACCESS_KEY_ID: 'id' }, 'both an access key id and a secret'],
    [{ partSize: 1024 }, {}, '`1024`'],
    [{ queueSize: 0 }, {}, '`0`'],
    [{}, { FRAMEFLEET_S3_CHECKSUMS: 'never' }, '`never`'],
  ])('rejects %j %j', (options, env, message) => {
    expect(() => resolveS3Config(options, env)).toThrow(message);
  });
});
