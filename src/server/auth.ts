import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { FramefleetError, show } from '../errors.js';

/**
 * Constant-time check of an `Authorization: Bearer <token>` header (hashes equalise lengths). The
 * scheme's name is case-insensitive and may be followed by more than one space (RFC 9110 11.4);
 * the token is compared exactly.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(.+)$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

/** Refuses to expose the API beyond this machine without a token. */
export function assertSafeBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `refusing to listen on ${show(host)} without FRAMEFLEET_API_TOKEN; set a token or bind 127.0.0.1`,
    );
  }
}
