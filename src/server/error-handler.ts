import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, FramefleetError, isFramefleetError, type ErrorCode } from '../errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  data?: unknown;
  params?: Record<string, unknown>;
}

/** One line naming the field, the rule and the value, like the zod messages do. */
function validationMessage(error: FastifyError): string {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue;
  const part = error.validationContext ?? 'request';
  const extra = issue.params?.additionalProperty;
  const path = [part, ...(issue.instancePath ?? '').split('/').filter(Boolean)].join('.');
  if (extra !== undefined) return `invalid ${part}: unexpected field \`${path}.${String(extra)}\``;
  const got = issue.data === undefined ? '' : `, got ${JSON.stringify(issue.data)}`;
  // An enum names its values: "`body.type` must be one of transcode, proxy, got "x"".
  const allowed = issue.params?.allowedValues;
  const rule = Array.isArray(allowed)
    ? `must be one of ${allowed.map(String).join(', ')}`
    : (issue.message ?? 'is not valid');
  return `invalid ${part}: \`${path}\` ${rule}${got}`;
}

/** Maps anything thrown into the catalogue: FramefleetErrors keep their code, Fastify's get one. */
export function toApiError(error: unknown): FramefleetError {
  if (isFramefleetError(error)) return error;
  const e = error as FastifyError;
  if (e.validation) {
    const code: ErrorCode = e.validationContext === 'body' ? 'INVALID_SPEC' : 'INVALID_ARGUMENT';
    return new FramefleetError(code, validationMessage(e), { cause: error });
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new FramefleetError('PAYLOAD_TOO_LARGE', 'request body is larger than the limit', {
      cause: error,
    });
  }
  if (e.statusCode === 413) return new FramefleetError('PAYLOAD_TOO_LARGE', e.message, { cause: error });
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new FramefleetError('INVALID_ARGUMENT', e.message, { cause: error });
  }
  return new FramefleetError('INTERNAL', e.message ?? String(error), { cause: error });
}

export function sendError(reply: FastifyReply, error: FramefleetError): FastifyReply {
  return reply
    .code(ERROR_CODES[error.code].status)
    .type('application/json')
    .send({ error: { code: error.code, message: error.message } });
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.status >= 500) request.log.error({ err: error, code: apiError.code }, apiError.message);
  else request.log.info({ code: apiError.code }, apiError.message);
  return sendError(reply, apiError);
}
