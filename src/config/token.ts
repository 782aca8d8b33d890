import * as z from 'zod';

/**
 * The API token's one rule, wherever it comes from (`server.token`, FRAMEFLEET_API_TOKEN,
 * `server.tokenFile`): a token the server takes must be one a client can send. Trimmed, so a
 * secret's trailing newline is no part of it; then only printable ASCII (spaces inside allowed),
 * because a header carries bytes read as Latin-1: a control character cannot be sent at all, and a
 * client sends `ä` as UTF-8 bytes that never match, so every call would be 401 for good.
 */
export const tokenSchema = z
  .string()
  .trim()
  .min(8, 'is shorter than 8 characters')
  .regex(/^[^\p{Cc}]*$/u, 'holds a control character, which no HTTP client can send in a header')
  .regex(
    /^[\x20-\x7e]*$/,
    'holds a character outside printable ASCII, which a client sends as UTF-8 and the server reads as Latin-1',
  );
