/**
 * Sent with every response of the API server: never framed (clickjacking), never type-sniffed. The
 * onRequest hook sets them on each reply; a route that hijacks its reply writes `reply.getHeaders()`
 * into its own head (the event stream), and the parser's raw refusals write them too (client-errors.ts).
 */
export const FRAME_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};
