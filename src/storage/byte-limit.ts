import { Transform, type TransformCallback } from 'node:stream';
import { FramefleetError, show } from '../errors.js';

/** A pass-through that fails with PAYLOAD_TOO_LARGE once more than maxBytes have gone by. */
export function byteLimit(maxBytes: number | undefined, label: string): Transform & { bytes(): number } {
  if (maxBytes !== undefined && !(Number.isFinite(maxBytes) && maxBytes >= 0)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected maxBytes to be a number >= 0, got ${show(maxBytes)}`,
    );
  }
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (maxBytes !== undefined && seen > maxBytes) {
        callback(
          new FramefleetError('PAYLOAD_TOO_LARGE', `${label} is larger than the limit of ${maxBytes} bytes`, {
            details: { maxBytes },
          }),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  return Object.assign(limiter, { bytes: () => seen });
}
