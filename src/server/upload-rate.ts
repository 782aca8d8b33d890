import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { FramefleetError } from '../errors.js';

export interface UploadRate {
  /** Bytes a second an upload must average; 0: no minimum. */
  minBytesPerSecond: number;
  windowMs: number;
  graceMs: number;
  /** Monotonic milliseconds (tests may pass their own clock). */
  now?: () => number;
}

/**
 * The request body as a stream that ends in a REQUEST_TIMEOUT error when the client sends slower
 * than `minBytesPerSecond`, averaged over the last `windowMs` (since the start while the upload is
 * younger), judged once `graceMs` has passed. Time in which the server itself held the client back
 * (storage slower than the client: backpressure) is never judged.
 *
 * The request is piped in, not handed to a pipeline: an error downstream must not destroy the
 * request, which would take the socket with it and leave no way to send the 408. The request
 * ending early (client gone, Node's request timeout) does end this stream, with an error.
 */
export function rateGuarded(request: IncomingMessage, rate: UploadRate): Readable {
  const now = rate.now ?? (() => performance.now());
  const start = now();
  /** (time, bytes received by then), oldest first; the oldest is the baseline of the window. */
  const samples: { at: number; bytes: number }[] = [{ at: start, bytes: 0 }];
  let bytes = 0;
  let held = false;
  /** The last moment the server was holding the client back; windows that include it are not judged. */
  let heldAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  const guard = new Readable({
    read() {
      if (!held) return;
      held = false;
      heldAt = now();
      request.resume();
    },
    destroy(error, done) {
      clearInterval(timer);
      request.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onClose);
      done(error);
    },
  });
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (!guard.push(chunk)) {
      held = true;
      request.pause();
    }
  };
  const onEnd = () => {
    clearInterval(timer);
    guard.push(null);
  };
  const onGone = (error: Error) => guard.destroy(error);
  const onClose = () => {
    if (!request.complete) guard.destroy(new Error('the client closed the upload before it was complete'));
  };
  request.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onClose);
  // Gone before the handler ran: no 'close' is still to come.
  if (request.destroyed) onClose();

  const check = () => {
    const at = now();
    samples.push({ at, bytes });
    // Keep one sample at or before the window's start as its baseline, drop the older ones.
    while (samples.length > 1 && samples[1]!.at <= at - rate.windowMs) samples.shift();
    const base = samples[0]!;
    if (at - start < rate.graceMs || held || heldAt >= base.at) return;
    const seconds = (at - base.at) / 1000;
    const perSecond = (bytes - base.bytes) / seconds;
    if (perSecond >= rate.minBytesPerSecond) return;
    const [got, min] = kibApart(perSecond, rate.minBytesPerSecond);
    guard.destroy(
      new FramefleetError(
        'REQUEST_TIMEOUT',
        `upload arrived at ${got} KiB/s over the last ${seconds.toFixed(1)} s, below the minimum of ${min} KiB/s (min-upload-kib-per-s); it was dropped`,
        // Rounded down: a rate just under the minimum never reads as the minimum itself.
        {
          details: {
            bytesPerSecond: Math.floor(perSecond),
            minBytesPerSecond: rate.minBytesPerSecond,
            bytes,
          },
        },
      ),
    );
  };
  if (rate.minBytesPerSecond > 0 && !guard.destroyed) {
    // Several checks a window, at most one a second: a short window (tests) is judged on time.
    timer = setInterval(check, Math.min(1000, Math.max(50, rate.windowMs / 4)));
    timer.unref();
  }
  return guard;
}

/**
 * Both rates in KiB/s, each to 2 decimals under 10 KiB/s and whole above, with more decimals (up
 * to 3) where that would show them alike: 15.99 KiB/s shown as "16" beside a minimum of "16" reads
 * as a contradiction.
 */
export function kibApart(got: number, min: number): [string, string] {
  const show = (n: number, extra: number) => (n / 1024).toFixed((n < 10 * 1024 ? 2 : 0) + extra);
  let extra = 0;
  while (extra < 3 && Number(show(got, extra)) === Number(show(min, extra))) extra++;
  return [show(got, extra), show(min, extra)];
}
