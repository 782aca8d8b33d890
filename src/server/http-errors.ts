import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { FramefleetError, show, type ErrorCode } from '../errors.js';
import { duplicateKey, duplicateKeyWords } from '../pipelines/json-keys.js';

/** Deepest JSON nesting a body may have; specs are a few levels deep. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when `text` nests arrays/objects deeper than `max`, found by one pass over the characters
 * (strings skipped) before anything parses, validates or prints the value.
 */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Fastify's JSON parser (prototype-poisoning checks kept) behind the nesting limit; no text/plain parser. */
export function useDepthLimitedJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Only JSON is JSON: Fastify's own text/plain parser handed the routes a string, refused as a spec
  // ("`body` must be object") where any other type is 415 (a new user's trial).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonTooDeep(body as string, MAX_JSON_DEPTH)) {
      done(
        new FramefleetError('INVALID_JSON', `request body nests deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    parse(request, body as string, (error, value) => {
      // Valid JSON refused all the same: prototype poisoning, said as such (a new user's trial was
      // told "not valid JSON" of a body with a `__proto__` key).
      if (error && parsesAsJson(body as string)) {
        const why = 'request body has a `__proto__` or `constructor.prototype` key, which no request takes';
        done(new FramefleetError('INVALID_JSON', why), undefined);
        return;
      }
      const twice = error ? undefined : duplicateKey(body as string);
      if (twice) {
        done(new FramefleetError('INVALID_JSON', `request body has ${duplicateKeyWords(twice)}`), undefined);
        return;
      }
      done(error, value);
    });
  });
}

/**
 * A body sent compressed (`Content-Encoding: gzip`) is refused before it is read: no route inflates
 * one, and a gzip upload was stored as it came (a new user's trial: a gzipped JSON body was read as
 * plain text, "not valid JSON"). Runs after the access checks of onRequest.
 */
export function refuseEncodedBodies(app: FastifyInstance): void {
  app.addHook('preParsing', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || /^\s*identity\s*$/i.test(encoding)) return;
    throw new FramefleetError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding ${show(encoding)} is not accepted: send the request body uncompressed`,
    );
  });
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Fastify's own errors by code: what the catalogue calls them and a message that echoes nothing long. */
const FASTIFY_ERRORS: Record<string, [ErrorCode, (e: FastifyError, r?: FastifyRequest) => string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', () => 'request body is larger than the limit'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    (_e, r) =>
      `content type ${show(r?.headers['content-type'] ?? '')} is not accepted here; send application/json`,
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'BAD_REQUEST',
    () => 'request body length does not match its Content-Length header',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', () => 'request body is empty; expected JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', () => 'request body is not valid JSON'],
  FST_ERR_BAD_URL: [
    'BAD_REQUEST',
    (_e, r) => `request path ${show(rawPath(r))} is not valid percent-encoding`,
  ],
  FST_ERR_MAX_PARAM_LENGTH: [
    'BAD_REQUEST',
    (_e, r) => `request path ${show(rawPath(r))} has a part too long`,
  ],
  FST_ERR_ASYNC_CONSTRAINT: ['BAD_REQUEST', () => 'request matched no route constraint'],
};

/** The request's path as the client sent it, without its query. */
export function rawPath(request: FastifyRequest | undefined): string {
  return (request?.raw.url ?? '').split('?')[0]!;
}

/** A Fastify error as a catalogue error, or undefined when it is not one Fastify raises itself. */
export function fromFastifyError(error: FastifyError, request?: FastifyRequest): FramefleetError | undefined {
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return new FramefleetError(known[0], known[1](error, request), { cause: error });
  // Prototype poisoning ('__proto__' in a body) and the like: the client's fault, said briefly.
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return new FramefleetError(
      'INVALID_JSON',
      `request body is not acceptable JSON: ${show(error.message)}`,
      {
        cause: error,
      },
    );
  }
  return undefined;
}
