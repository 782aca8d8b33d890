import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rateGuarded } from '../../src/server/upload-rate.js';

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
});
