import type { FastifyReply, FastifyRequest } from 'fastify';
import { FramefleetError, show } from '../errors.js';
import { bearerMatches, isLoopback } from './auth.js';
import { sendError } from './error-handler.js';
import { isPublicRoute } from './route-access.js';

/** Methods that change nothing: a page on another site may make a browser send them, harmlessly. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Content types any web page may send cross-site without the browser asking the server first. */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** A header no cross-site page can add without a CORS preflight, which this server never grants. */
export const CLIENT_HEADER = 'x-requested-with';

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** True for a Host header naming this machine's loopback (localhost, 127.x.x.x, [::1]), any port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  const match = HOST_HEADER.exec(host ?? '');
  return match !== null && isLoopback(match[1]!);
}

/**
 * The authority a request names: an absolute-form target's own (`GET http://host/path`, where
 * RFC 9112 3.2.2 says Host is ignored), else the Host header; undefined if the target is no URL.
 */
function requestHost(request: FastifyRequest): string | undefined {
  const target = request.raw.url ?? '';
  if (target.startsWith('/') || target === '*') return request.headers.host;
  return URL.canParse(target) ? new URL(target).host : undefined;
}

/**
 * Why a request must not reach its handler, or undefined. Decided before the body is read:
 * - without a token (loopback mode) the Host must be a loopback name, so a DNS-rebinding page
 *   (evil.example resolving to 127.0.0.1) gets nothing;
 * - with a token, every route needs it unless the matched route is public;
 * - a state-changing request must carry what a cross-site page cannot send without a preflight:
 *   a non-form Content-Type (application/json, application/octet-stream) or X-Requested-With;
 *   without a token, an Origin or Sec-Fetch-Site header that says another site is refused too.
 */
export function refusalFor(request: FastifyRequest, token: string | undefined): FramefleetError | undefined {
  const headers = request.headers;
  if (headers.host === undefined && request.raw.httpVersion !== '1.0') {
    return new FramefleetError('BAD_REQUEST', 'an HTTP/1.1 request needs a Host header');
  }
  const host = requestHost(request);
  if (!token && !isLoopbackHostHeader(host)) {
    return new FramefleetError(
      'HOST_FORBIDDEN',
      `Host ${show(host ?? '')} is not a loopback name; without FRAMEFLEET_API_TOKEN only localhost, 127.x.x.x and [::1] are answered`,
    );
  }
  if (token && !isPublicRoute(request) && !bearerMatches(headers.authorization, token)) {
    return new FramefleetError('UNAUTHORIZED', 'missing or wrong bearer token');
  }
  if (SAFE_METHODS.has(request.method)) return undefined;
  if (!token) {
    const origin = headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${host}`) {
      return crossSite(`Origin ${show(origin)} is not this server`);
    }
    const site = headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return crossSite(`the browser says this request comes from a ${show(site)} page`);
    }
  }
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (headers[CLIENT_HEADER] === undefined && (type === '' || FORM_TYPES.has(type))) {
    return crossSite(
      `${request.method} needs a Content-Type such as application/json or application/octet-stream, or an X-Requested-With header${type ? `, got ${show(type)}` : ''}`,
    );
  }
  return undefined;
}

function crossSite(why: string): FramefleetError {
  return new FramefleetError(
    'CROSS_SITE_FORBIDDEN',
    `refused a request a page on another site could send: ${why}`,
  );
}

/** The onRequest hook: refuses before any body is read, closing the connection if one is coming. */
export function requestGuard(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const refusal = refusalFor(request, token);
    if (!refusal) return undefined;
    if (refusal.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
    const body = request.headers['content-length'] ?? request.headers['transfer-encoding'];
    if (body !== undefined && body !== '0') reply.header('connection', 'close');
    request.log.info({ code: refusal.code }, refusal.message);
    return sendError(reply, refusal);
  };
}
