import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  diskFullCode,
  ERROR_CODES,
  FramefleetError,
  isFramefleetError,
  show,
  toFramefleetError,
  type ErrorCode,
} from '../errors.js';
import { fromFastifyError, rawPath } from './http-errors.js';
import { PATTERN_RULES } from './schemas.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  data?: unknown;
  params?: Record<string, unknown>;
  keyword?: string;
  parentSchema?: { oneOf?: { properties?: Record<string, { const?: unknown }> }[] };
}

/**
 * A discriminator's refusal (no branch has that `type`) as the field and the values it takes:
 * "`body.spec.scenes.0.layers.0.type` must be one of text, image, box, progress".
 */
function tagRule(issue: ValidationIssue, path: string): string | undefined {
  const tag = issue.params?.tag;
  if (issue.keyword !== 'discriminator' || typeof tag !== 'string') return undefined;
  const values = (issue.parentSchema?.oneOf ?? []).map((b) => String(b.properties?.[tag]?.const));
  const got = issue.params?.tagValue === undefined ? '' : `, got ${show(issue.params.tagValue)}`;
  return `${show(`${path}.${tag}`)} must be one of ${values.join(', ')}${got}`;
}

/**
 * An output's extension pattern (`\.([mM][pP]4|[mM][kK][vV])$`, spelled case by case for JSON
 * Schema) read back as the rule it is: "must end in .mp4, .mkv". Undefined for any other pattern.
 */
export function extensionRule(pattern: string): string | undefined {
  const alternatives = /^\\\.\(([^()]+)\)\$$/.exec(pattern)?.[1];
  if (!alternatives) return undefined;
  const exts = alternatives.split('|').map((alt) => alt.replace(/\[([a-z])([A-Z])\]/g, '$1'));
  return exts.every((e) => /^[a-z0-9]+$/.test(e))
    ? `must end in ${exts.map((e) => `.${e}`).join(', ')}`
    : undefined;
}

/** One line naming the field, the rule and the value (cut short), like the zod messages do. */
function validationMessage(error: FastifyError): string {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue;
  const part = error.validationContext ?? 'request';
  const extra = issue.params?.additionalProperty;
  const path = [part, ...(issue.instancePath ?? '').split('/').filter(Boolean)].join('.');
  if (extra !== undefined) return `invalid ${part}: unexpected field ${show(`${path}.${String(extra)}`)}`;
  const tagged = tagRule(issue, path);
  if (tagged) return `invalid ${part}: ${tagged}`;
  const got = issue.data === undefined ? '' : `, got ${show(issue.data)}`;
  // An enum names its values: "`body.type` must be one of transcode, proxy, got `x`".
  const allowed = issue.params?.allowedValues;
  const pattern = issue.params?.pattern;
  const rule = Array.isArray(allowed)
    ? `must be one of ${allowed.map(String).join(', ')}`
    : ((typeof pattern === 'string' ? (PATTERN_RULES[pattern] ?? extensionRule(pattern)) : undefined) ??
      issue.message ??
      'is not valid');
  return `invalid ${part}: ${show(path)} ${rule}${got}`;
}

/** Maps anything thrown into the catalogue: FramefleetErrors keep their code, Fastify's get one. */
export function toApiError(error: unknown, request?: FastifyRequest): FramefleetError {
  if (isFramefleetError(error)) return error;
  // An upload or a job's state on a full disk: 507 NO_SPACE, as a job's own writes are said.
  if (diskFullCode(error)) return toFramefleetError(error);
  const e = error as FastifyError;
  if (e.validation) {
    const code: ErrorCode = e.validationContext === 'body' ? 'INVALID_SPEC' : 'INVALID_ARGUMENT';
    return new FramefleetError(code, validationMessage(e), { cause: error });
  }
  const known = fromFastifyError(e, request);
  if (known) return known;
  const message = show(e.message ?? String(error));
  if (e.statusCode === 413) return new FramefleetError('PAYLOAD_TOO_LARGE', message, { cause: error });
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    // A framework's bare reason phrase ("Forbidden" for a `%2e%2e` path) names the request it refuses.
    const path = request ? ` ${show(rawPath(request))}` : '';
    return new FramefleetError('BAD_REQUEST', `bad request${path}: ${message}`, { cause: error });
  }
  return new FramefleetError('INTERNAL', `internal error: ${message}`, { cause: error });
}

export function sendError(reply: FastifyReply, error: FramefleetError): FastifyReply {
  return reply
    .code(ERROR_CODES[error.code].status)
    .type('application/json')
    .send({ error: { code: error.code, message: error.message, ...publicDetails(error) } });
}

/** Structured details a client can act on (which field, which encoder); bounded, never a stack. */
function publicDetails(error: FramefleetError): { details?: Record<string, unknown> } {
  if (!error.details) return {};
  const text = JSON.stringify(error.details);
  return text.length <= 4096 ? { details: JSON.parse(text) as Record<string, unknown> } : {};
}

/** Logs one short line per refused request (the stack only for a server fault). */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  if (apiError.status >= 500) {
    // The stack, cut short: an error's own message may quote a client's value whole.
    const stack = error instanceof Error ? error.stack?.slice(0, 2000) : undefined;
    request.log.error({ code: apiError.code, stack }, apiError.message);
  } else request.log.info({ code: apiError.code }, loggedMessage(error, apiError));
  return sendError(reply, apiError);
}

/**
 * The message the log gets: the client's own, except where it quotes a query parameter's name or
 * value that no route takes (a token put in the URL as `?<token>` or `?limit=<token>`), which the
 * request log redacts as well.
 */
function loggedMessage(error: unknown, apiError: FramefleetError): string {
  const e = error as FastifyError;
  if (e.validationContext !== 'querystring') return apiError.message;
  const issue = (e.validation?.[0] ?? {}) as ValidationIssue;
  return issue.params?.additionalProperty !== undefined
    ? 'invalid querystring: unexpected field [redacted]'
    : apiError.message.replace(/, got .*$/s, ', got [redacted]');
}

/** Fastify's `frameworkErrors` option: errors raised before routing (a bad `%ff` in the path). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    fromFastifyError(error, request) ??
    new FramefleetError('BAD_REQUEST', `malformed request: ${show(error.message)}`, { cause: error });
  request.log.info({ code: apiError.code }, apiError.message);
  void sendError(reply, apiError);
}
