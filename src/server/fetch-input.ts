import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { FramefleetError, redactUrl, show } from '../errors.js';
import type { Storage } from '../storage/types.js';
import { confineUrl } from './confine.js';

const MAX_REDIRECTS = 3;

export interface FetchInputOptions {
  storage: Storage;
  allowHosts: readonly string[];
  maxBytes: number;
  timeoutMs?: number;
}

/**
 * Downloads an http(s) input from an allowed host into storage (uploads/<uuid>/<name>) and returns
 * the local path, so ffmpeg itself never opens a network protocol. Every redirect hop is checked
 * against the allowlist again; the size limit is enforced while streaming.
 */
export async function fetchInput(value: string, options: FetchInputOptions): Promise<string> {
  let url = confineUrl(value, options.allowHosts);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'manual', signal });
    } catch (cause) {
      // The cause's text is left out: it may quote the URL whole, credentials and all.
      const why = reasonOf(cause);
      throw new FramefleetError('INPUT_NOT_FOUND', `cannot download input ${show(redactUrl(url))}: ${why}`, {
        cause,
      });
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= MAX_REDIRECTS)
        throw new FramefleetError('URL_FORBIDDEN', `input ${show(redactUrl(value))} redirects too often`);
      url = confineUrl(new URL(location, url).href, options.allowHosts);
      continue;
    }
    if (!response.ok || !response.body) {
      throw new FramefleetError(
        'INPUT_NOT_FOUND',
        `cannot download input ${show(redactUrl(url))}: HTTP ${response.status}`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > options.maxBytes) {
      await response.body.cancel();
      throw new FramefleetError(
        'PAYLOAD_TOO_LARGE',
        `input ${show(redactUrl(url))} is ${declared} bytes, over the limit of ${options.maxBytes}`,
      );
    }
    if (!options.storage.putStream)
      throw new FramefleetError('STORAGE_FAILED', `storage ${options.storage.url} cannot take downloads`);
    const name =
      (url.pathname.split('/').pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '') ||
      'input';
    const key = `uploads/${randomUUID()}/${name}`;
    // Read only as storage consumes it: Readable.fromWeb would emit a broken-off body's error at
    // once, with nobody listening yet (storage awaits before it pipes), and that crashed the server.
    const body = Readable.from(bodyChunks(response.body as unknown as WebReadableStream<Uint8Array>, url));
    await options.storage.putStream(key, body, { maxBytes: options.maxBytes });
    const path = options.storage.localPath(key);
    if (!path)
      throw new FramefleetError(
        'STORAGE_FAILED',
        `storage ${options.storage.url} has no local path for ${show(key)}`,
      );
    return path;
  }
}

/** Why fetch failed, without its text (it may quote the URL whole): `ECONNREFUSED`, `UND_ERR_SOCKET`. */
function reasonOf(cause: unknown): string {
  return (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
}

/** A download's chunks; a body the server broke off is the input's error, not the storage's. */
async function* bodyChunks(body: WebReadableStream<Uint8Array>, url: URL): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (cause) {
    throw new FramefleetError(
      'INPUT_NOT_FOUND',
      `download of input ${show(redactUrl(url))} broke off: ${reasonOf(cause)}`,
      { cause },
    );
  }
}
