import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { FRAME_HEADERS } from './frame-headers.js';

export interface RequestTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * Fastify's `clientErrorHandler`: the HTTP parser refused the request (headers over the limit,
 * bytes that are not HTTP, a body longer than its Content-Length) or one of Node's two request
 * timeouts fired, so no reply object exists. Answers in the catalogue's shape, with the headers
 * fastify's own error replies carry and the frame headers every response carries, and closes the
 * connection.
 *
 * Node reports both timeouts as one error (ERR_HTTP_REQUEST_TIMEOUT). Its check expires a request
 * whose headers are incomplete by the headers timeout (Node refuses one longer than the request
 * timeout) and one whose headers are in by the request timeout, so which fired is told by whether
 * the socket's request got past its headers: `trackHeaders` records that on the server.
 */
export function clientErrorHandlerFor(timeouts: RequestTimeouts): {
  handler: (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) => void;
  trackHeaders: (server: Server) => void;
} {
  /** Sockets whose current request's headers have arrived and whose response is not yet done. */
  const headersIn = new WeakSet<Socket>();
  const trackHeaders = (server: Server) =>
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      headersIn.add(socket);
      response.once('close', () => headersIn.delete(socket));
    });

  function handler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [code, message, details] = describe(error, headersIn.has(socket), timeouts);
    const status = ERROR_CODES[code].status;
    const body = JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });
    this.log.info({ code, reason: error.code }, message);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `Date: ${new Date().toUTCString()}\r\n` +
          Object.entries(FRAME_HEADERS)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  }
  return { handler, trackHeaders };
}

function describe(
  error: NodeJS.ErrnoException,
  headersIn: boolean,
  timeouts: RequestTimeouts,
): [ErrorCode, string, Record<string, unknown>?] {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return ['HEADERS_TOO_LARGE', 'request headers are larger than the limit'];
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const [what, limit, ms] = headersIn
      ? ['request', 'request-timeout-s', timeouts.requestTimeoutMs]
      : ['request headers', 'headers-timeout-s', timeouts.headersTimeoutMs];
    const seconds = ms / 1000;
    return [
      'REQUEST_TIMEOUT',
      `${what} did not arrive within ${seconds} s (${limit} ${seconds}); the connection was closed`,
      { limit, seconds },
    ];
  }
  return ['BAD_REQUEST', `malformed HTTP request (${error.code ?? 'parse error'})`];
}
