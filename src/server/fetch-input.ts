import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { FramefleetError, redactUrl, show } from '../errors.js';
import type { Storage } from '../storage/types.js';
import { checkedLookup, type Resolver } from './checked-lookup.js';
import { confineUrl } from './confine.js';

const MAX_REDIRECTS = 3;
/** As an upload's name (schemas.ts): far under a file system's 255 bytes. */
const MAX_NAME = 128;

export interface FetchInputOptions {
  storage: Storage;
  allowHosts: readonly string[];
  maxBytes: number;
  timeoutMs?: number;
  /** How host names are resolved when a connection is made; the system's unless a test scripts it. */
  resolve?: Resolver;
}

/**
 * Downloads an http(s) input from an allowed host into storage (uploads/<uuid>/<name>) and returns
 * the local path, so ffmpeg itself never opens a network protocol. Every redirect hop is checked
 * against the allowlist again, and every connection's resolved addresses when it connects (a host
 * name must lead to public addresses only; see checkedLookup); the size limit is enforced while
 * streaming.
 */
export async function fetchInput(value: string, options: FetchInputOptions): Promise<string> {
  let url = confineUrl(value, options.allowHosts);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000);
  const lookup = checkedLookup(options.resolve);
  for (let hop = 0; ; hop++) {
    let response: IncomingMessage;
    try {
      response = await get(url, lookup, signal);
    } catch (cause) {
      if (cause instanceof FramefleetError) throw cause;
      // The cause's text is left out: it may quote the URL whole, credentials and all.
      const why = reasonOf(cause);
      throw new FramefleetError('INPUT_NOT_FOUND', `cannot download input ${show(redactUrl(url))}: ${why}`, {
        cause,
      });
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status < 200 || status >= 300) response.destroy();
    if (status >= 300 && status < 400 && location) {
      if (hop >= MAX_REDIRECTS)
        throw new FramefleetError('URL_FORBIDDEN', `input ${show(redactUrl(value))} redirects too often`);
      url = confineUrl(new URL(location, url).href, options.allowHosts);
      continue;
    }
    if (status < 200 || status >= 300) {
      throw new FramefleetError(
        'INPUT_NOT_FOUND',
        `cannot download input ${show(redactUrl(url))}: HTTP ${status}`,
      );
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > options.maxBytes) {
      response.destroy();
      throw new FramefleetError(
        'PAYLOAD_TOO_LARGE',
        `input ${show(redactUrl(url))} is ${declared} bytes, over the limit of ${options.maxBytes}`,
      );
    }
    if (!options.storage.putStream) {
      response.destroy();
      throw new FramefleetError('STORAGE_FAILED', `storage ${options.storage.url} cannot take downloads`);
    }
    const key = `uploads/${randomUUID()}/${downloadName(url)}`;
    // Read only as storage consumes it, through a generator that turns a broken-off body into the
    // input's error (storage awaits before it pipes; an 'error' nobody heard crashed the server).
    const body = Readable.from(bodyChunks(response, url));
    try {
      await options.storage.putStream(key, body, { maxBytes: options.maxBytes });
    } finally {
      // A store that failed before (or while) reading the body leaves the response open on its own
      // connection: closed here, not at the timeout.
      response.destroy();
    }
    const path = options.storage.localPath(key);
    if (!path)
      throw new FramefleetError(
        'STORAGE_FAILED',
        `storage ${options.storage.url} has no local path for ${show(key)}`,
      );
    return path;
  }
}

/**
 * The name a download is stored under: its URL's last segment in the characters and length an
 * upload's name may have (the end kept, with the extension); a longer name failed in storage.
 */
export function downloadName(url: URL): string {
  const last = (url.pathname.split('/').pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_');
  return last.slice(-MAX_NAME).replace(/^[._-]+/, '') || 'input';
}

/**
 * One GET on its own connection (no pooled socket another caller opened), resolved by `lookup`
 * when it connects. Credentials in the URL were refused by confineUrl, so none are sent.
 */
function get(url: URL, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { lookup, agent: false, signal }, (response) => {
      // Heard from the start: the generator below reads the error the stream keeps.
      response.on('error', () => undefined);
      resolve(response);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Why a download failed, without its text (it may quote the URL whole): `ECONNREFUSED`. */
function reasonOf(cause: unknown): string {
  const error = cause as { code?: string; name?: string; cause?: { code?: string } };
  return error.code ?? error.cause?.code ?? error.name ?? 'unknown';
}

/** A download's chunks; a body the server broke off is the input's error, not the storage's. */
async function* bodyChunks(body: IncomingMessage, url: URL): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (cause) {
    throw new FramefleetError(
      'INPUT_NOT_FOUND',
      `download of input ${show(redactUrl(url))} broke off: ${reasonOf(cause)}`,
      { cause },
    );
  }
}
