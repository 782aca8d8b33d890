import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FramefleetError, isFramefleetError, show } from '../errors.js';
import { byteLimit } from './byte-limit.js';
import { checkKey, checkPrefix, joinKey, TEMP_MARKER } from './keys.js';
import { resolveS3Config, type ResolvedS3Config, type S3Options } from './s3-config.js';
import type { Storage, StoredObject } from './types.js';

export interface S3StorageOptions extends S3Options {
  /** A ready client (tests, custom middleware); the endpoint and credential options are then unused. */
  client?: S3Client;
  env?: NodeJS.ProcessEnv;
}

/**
 * Storage in an S3 bucket under a prefix (AWS S3, MinIO, anything S3-protocol). An object becomes
 * visible only when its upload completes, so a failed or repeated put never leaves half an object.
 */
export class S3Storage implements Storage {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly config: ResolvedS3Config;

  constructor(bucket: string, prefix: string, options: S3StorageOptions = {}) {
    this.bucket = bucket;
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    if (this.prefix !== '') checkPrefix(this.prefix);
    this.url = `s3://${bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
    this.config = resolveS3Config(options, options.env);
    this.client =
      options.client ??
      new S3Client({
        region: this.config.region,
        endpoint: this.config.endpoint,
        forcePathStyle: this.config.forcePathStyle,
        credentials: this.config.credentials,
        requestChecksumCalculation: this.config.checksums,
        responseChecksumValidation: this.config.checksums,
      });
  }

  async put(key: string, localPath: string, options: { move?: boolean } = {}): Promise<StoredObject> {
    const object = await this.upload(key, createReadStream(localPath));
    if (options.move) await unlink(localPath);
    return object;
  }

  async putStream(
    key: string,
    stream: NodeJS.ReadableStream,
    options: { maxBytes?: number } = {},
  ): Promise<StoredObject> {
    const limiter = byteLimit(options.maxBytes, `the upload to ${show(key)}`);
    let streamError: unknown;
    limiter.once('error', (error) => (streamError ??= error));
    // The source's own errors fail the limiter, and through it the upload.
    (stream as Readable).once('error', (error) => limiter.destroy(error));
    stream.pipe(limiter);
    try {
      return await this.upload(key, limiter);
    } catch (error) {
      throw isFramefleetError(streamError) ? streamError : error;
    }
  }

  async fetch(key: string, localPath: string): Promise<string> {
    const temp = `${localPath}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      await mkdir(path.dirname(localPath), { recursive: true });
      await pipeline(response.Body as Readable, createWriteStream(temp));
      await rename(temp, localPath);
      return localPath;
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw this.failed('fetch', key, error);
    }
  }

  localPath(): undefined {
    return undefined;
  }

  async readUrl(key: string, expiresSec = 3600): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) });
    return getSignedUrl(this.client, command, { expiresIn: expiresSec });
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      return { key, size: head.ContentLength ?? 0, mtimeMs: head.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.failed('stat', key, error);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    try {
      const pages = paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: joinKey(this.prefix, checkPrefix(prefix)) },
      );
      for await (const page of pages) {
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          found.push({
            key: item.Key.slice(strip),
            size: item.Size ?? 0,
            mtimeMs: item.LastModified?.getTime() ?? 0,
          });
        }
      }
    } catch (error) {
      throw this.failed('list', prefix, error);
    }
    return found;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
    } catch (error) {
      if (!isNotFound(error)) throw this.failed('delete', key, error);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (checkPrefix(prefix) === '') {
      throw new FramefleetError('INVALID_ARGUMENT', `refusing to delete everything under ${show(this.url)}`);
    }
    const keys = (await this.list(prefix)).map((object) => this.keyOf(object.key));
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      try {
        const result = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const first = result.Errors?.[0];
        if (first) throw new Error(`${first.Key ?? '?'}: ${first.Code ?? ''} ${first.Message ?? ''}`.trim());
      } catch (error) {
        throw this.failed('delete', prefix, error);
      }
    }
  }

  close(): void {
    this.client.destroy();
  }

  /** Multipart above the part size (lib-storage decides), a single PUT below it. */
  private async upload(key: string, body: Readable): Promise<StoredObject> {
    const fullKey = this.keyOf(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: fullKey, Body: body },
      partSize: this.config.partSize,
      queueSize: this.config.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // lib-storage aborts a failed multipart upload itself; the object under key never changed.
      body.destroy();
      throw this.failed('put', key, error);
    }
    const object = await this.stat(key);
    if (!object) throw this.failed('put', key, new Error('object missing right after its upload completed'));
    return object;
  }

  private keyOf(key: string): string {
    return joinKey(this.prefix, checkKey(key));
  }

  private failed(op: string, key: string, cause: unknown): FramefleetError {
    if (isFramefleetError(cause)) return cause;
    if (isNotFound(cause))
      return new FramefleetError('NOT_FOUND', `no object ${show(key)} in ${show(this.url)}`, { cause });
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new FramefleetError(
      'STORAGE_FAILED',
      `${op} of ${show(key)} in ${show(this.url)} failed: ${text}`,
      { cause },
    );
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
