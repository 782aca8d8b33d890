import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FramefleetError, isFramefleetError, show } from '../errors.js';
import { openOutputForRead } from '../storage/confined-open.js';
import { confineOutput } from './confine.js';

export interface LocalFile {
  /** The path a job recorded; confined to the output roots again when it is opened. */
  path: string;
  roots: readonly string[];
  /** What it is, for messages: "the storyboard of job `x`". */
  what: string;
  type: string;
  /** Sent as an attachment under this name's base name (a download), else inline. */
  attachment?: boolean;
}

/**
 * Streams a job's file from inside the output roots: real path checked when it is opened, no
 * symlink in its last part (the file opened is the file checked), a plain file only. One byte
 * range (`Range: bytes=a-b`) is honoured, so a <video> element can seek.
 */
export async function sendLocalFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: LocalFile,
): Promise<FastifyReply> {
  const real = await confineOutput(file.path, file.roots);
  // Opened first, checked after: a folder swapped for a link or a FIFO swapped in meanwhile is refused.
  const handle = await openOutputForRead(real, file.roots).catch((cause: unknown) => {
    if (isFramefleetError(cause) && cause.code === 'PATH_FORBIDDEN') throw cause;
    const why = isFramefleetError(cause) && cause.code === 'INPUT_NOT_A_FILE' ? 'is not a file' : 'is gone';
    throw new FramefleetError('NOT_FOUND', `${file.what} ${why}`, { cause });
  });
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new FramefleetError('NOT_FOUND', `${file.what} is not a file`);
  }
  const range = byteRange(request.headers.range, info.size);
  if (range === 'unsatisfiable') {
    await handle.close();
    // The catalogue's JSON error (sent by the error handler), with the size a client can retry within.
    reply.header('content-range', `bytes */${info.size}`);
    throw new FramefleetError(
      'RANGE_NOT_SATISFIABLE',
      `range ${show(request.headers.range ?? '')} is past the end of ${file.what} (${info.size} bytes)`,
    );
  }
  reply.type(file.type).header('accept-ranges', 'bytes');
  if (file.attachment) {
    const name = path.basename(real).replace(/[^A-Za-z0-9._-]/g, '_');
    reply.header('content-disposition', `attachment; filename="${name}"`);
  }
  if (range) {
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(handle.createReadStream({ start: range.start, end: range.end }));
  }
  return reply.header('content-length', info.size).send(handle.createReadStream());
}

/**
 * One range of `bytes=a-b`, `bytes=a-` or `bytes=-n` within a file of `size` bytes (end inclusive);
 * undefined for no header, several ranges or another unit (the whole file is sent, as RFC 9110
 * allows); 'unsatisfiable' for a well-formed range that starts past the end. Pure.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}
