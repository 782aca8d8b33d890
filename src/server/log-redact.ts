import type { FastifyRequest } from 'fastify';

/**
 * The query parameters the API reads (job listing, upload name) and the values they take: logged
 * as sent. Any other parameter or value is one no route uses, such as a token a client put in the
 * URL, and is logged as `[redacted]` (its name too: a bare `?<token>` is a name).
 */
const LOGGED_QUERY = new Map([
  ['state', /^[a-z]{1,16}$/],
  ['offset', /^\d{1,12}$/],
  ['limit', /^\d{1,12}$/],
  ['name', /^[^&]{0,1024}$/],
]);

/** A request target for the log: the path as sent, query values kept only for known names. */
export function loggedTarget(target: string): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  const kept = target
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [name, value = ''] = pair.split(/=(.*)/s);
      return LOGGED_QUERY.get(name!)?.test(value) ? pair : '[redacted]';
    });
  return `${target.slice(0, mark)}?${kept.join('&')}`;
}

/** fastify's request serializer with the target redacted (pino's child serializers win). */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: loggedTarget(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
