import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { kibApart, rateGuarded } from '../../src/server/upload-rate.js';

/** A request body the test writes to; `complete` as Node sets it once the whole body is read. */
function body(): PassThrough & { complete: boolean } {
  return Object.assign(new PassThrough(), { complete: false });
}

const rate = { minBytesPerSecond: 64 * 1024, windowMs: 200, graceMs: 100 };

/** How the guarded stream ended: its error's code, 'end', or 'open' when still running after `ms`. */
function outcome(guard: Readable, ms: number): Promise<string> {
  return new Promise((done) => {
    guard.once('error', (error: { code?: string }) => done(error.code ?? String(error)));
    guard.once('end', () => done('end'));
    setTimeout(() => done('open'), ms);
  });
}

describe('rateGuarded', () => {
  it('ends a body slower than the minimum with REQUEST_TIMEOUT once the grace has passed', async () => {
    const request = body();
    const guard = rateGuarded(request as unknown as IncomingMessage, rate);
    guard.resume();
    request.write('a few bytes');
    expect(await outcome(guard, 2000)).toBe('REQUEST_TIMEOUT');
  });

  it('does not judge a client while the server holds it back (backpressure)', async () => {
    const request = body();
    const guard = rateGuarded(request as unknown as IncomingMessage, rate);
    // Nobody reads: after its buffer fills the guard pauses the request, and nothing more arrives.
    request.write(Buffer.alloc(256 * 1024));
    expect(await outcome(guard, 800)).toBe('open');
    // Reading again: the client is judged from here, and a client that sends nothing fails.
    guard.resume();
    expect(await outcome(guard, 2000)).toBe('REQUEST_TIMEOUT');
  });

  it('passes a fast body through whole, and ends a body whose client went away', async () => {
    const fast = body();
    const guard = rateGuarded(fast as unknown as IncomingMessage, rate);
    const chunks: Buffer[] = [];
    guard.on('data', (c: Buffer) => chunks.push(c));
    fast.end(Buffer.alloc(100_000, 1));
    expect(await outcome(guard, 2000)).toBe('end');
    expect(Buffer.concat(chunks).length).toBe(100_000);

    const gone = body();
    const cut = rateGuarded(gone as unknown as IncomingMessage, { ...rate, minBytesPerSecond: 0 });
    cut.resume();
    gone.destroy();
    expect(await outcome(cut, 2000)).toMatch(/closed the upload before it was complete/);
  });

  // "upload arrived at 16 KiB/s ... below the minimum of 16 KiB/s": 15.99 was rounded to 16, and
  // details.bytesPerSecond was an unrounded float.
  it('shows a rate just under the minimum apart from it, and whole bytes a second in details', async () => {
    let t = 0;
    const request = body();
    const guard = rateGuarded(request as unknown as IncomingMessage, {
      ...{ minBytesPerSecond: 16 * 1024, windowMs: 4000, graceMs: 0 },
      now: () => t,
    });
    // A reader that takes every chunk as it comes: nothing here is the server holding back.
    guard.on('data', () => undefined);
    t = 3000;
    // 16373.33 bytes a second over 3 s, each chunk read before the next comes (never held back).
    for (let i = 0; i < 4; i++) {
      request.write(Buffer.alloc(12_280));
      await new Promise((r) => setImmediate(r));
    }
    const error = await new Promise<{ code?: string; message: string; details?: unknown }>((done) =>
      guard.once('error', done),
    );
    expect(error.code).toBe('REQUEST_TIMEOUT');
    expect(error.message).toBe(
      'upload arrived at 15.99 KiB/s over the last 3.0 s, below the minimum of 16.00 KiB/s (min-upload-kib-per-s); it was dropped',
    );
    expect(error.details).toEqual({ bytesPerSecond: 16373, minBytesPerSecond: 16384, bytes: 49_120 });
  });

  it.each([
    [200, 16 * 1024, ['0.20', '16']],
    [30 * 1024, 64 * 1024, ['30', '64']],
    [16383.9, 16384, ['16.000', '16.000']],
    [9.999 * 1024, 10 * 1024, ['9.999', '10.0']],
    [16 * 1024 - 10, 16 * 1024, ['15.99', '16.00']],
    [63.5 * 1024, 64 * 1024, ['63.5', '64.0']],
  ])('kibApart(%d, %d) is %j', (got, min, shown) => {
    expect(kibApart(got, min)).toEqual(shown);
  });
});
