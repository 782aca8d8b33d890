import { z } from 'zod';
import { FramefleetError, show } from '../errors.js';

/** An integer field whose error names the field, the range and the value it got. */
export function intRange(name: string, min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be an integer from ${min} to ${max}, got ${show(issue.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function numberRange(name: string, min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a number from ${min} to ${max}, got ${show(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, {
    error: (issue) => `expected ${show(name)} to be one of ${values.join('|')}, got ${show(issue.input)}`,
  });
}

export function nonEmpty(name: string) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a non-empty string, got ${show(issue.input ?? null)}`;
  return z.string({ error }).min(1, { error });
}

export function flag(name: string) {
  return z.boolean({ error: (i) => `expected ${show(name)} to be true or false, got ${show(i.input)}` });
}

/**
 * An output file name with one of `extensions`; the pattern reaches the JSON Schema, so the API
 * refuses another extension at submit, as the CLI does, instead of failing the job later.
 */
export function outputPath(name: string, extensions: readonly string[]) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to end in ${extensions.map((e) => `.${e}`).join(', ')}, got ${show(issue.input ?? null)}`;
  // Case-insensitive without the `i` flag, which a JSON Schema pattern cannot carry.
  const either = (ext: string) => [...ext].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c));
  const pattern = `\\.(${extensions.map((e) => either(e).join('')).join('|')})$`;
  return nonEmpty(name).regex(new RegExp(pattern), { error });
}

/** Validates at the edge, once: the first issue becomes a one-line INVALID_SPEC error. */
export function parseSpec<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  const message = issue.message.startsWith('expected ') ? issue.message : `${issue.message}${where}`;
  throw new FramefleetError('INVALID_SPEC', `invalid ${what}: ${message}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) },
  });
}
