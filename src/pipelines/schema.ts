import * as z from 'zod';
import { ERROR_CODES, FramefleetError, redactUrl, show, type ErrorCode } from '../errors.js';
import { looksLikeUrl } from '../storage/media-io.js';

/**
 * A value a number or flag field got, for its error: a JSON string `"640"` is said to be a string
 * (shown bare it reads as the number the field wants), a missing field is said to be missing.
 */
export function shownInput(input: unknown): string {
  if (input === undefined) return 'nothing (it is missing)';
  return typeof input === 'string' ? `the string ${show(input)}` : show(input);
}

/** A value a string field got, for its error: a missing field is said to be missing, not `null`. */
export function shownValue(input: unknown): string {
  return input === undefined ? 'nothing (it is missing)' : show(input);
}

/** An integer field whose error names the field, the range and the value it got. */
export function intRange(name: string, min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be an integer from ${min} to ${max}, got ${shownInput(issue.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function numberRange(name: string, min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a number from ${min} to ${max}, got ${shownInput(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, {
    error: (issue) => `expected ${show(name)} to be one of ${values.join('|')}, got ${show(issue.input)}`,
  });
}

export function nonEmpty(name: string) {
  // The schema's error also answers a later .max(): a string too long is not said to be empty.
  const error = (issue: { code?: string; input?: unknown; maximum?: unknown }) =>
    issue.code === 'too_big'
      ? `expected ${show(name)} to be at most ${String(issue.maximum)} characters` +
        (typeof issue.input === 'string' ? `, got ${issue.input.length}` : '')
      : `expected ${show(name)} to be a non-empty string, got ${shownValue(issue.input)}`;
  return z.string({ error }).min(1, { error });
}

/** Longest path and longest path component, in bytes: what Linux accepts (PATH_MAX, NAME_MAX). */
export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;

/** Why a file path or URL cannot name a file on any machine, or undefined. Pure. */
export function pathProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL byte';
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_PATH_BYTES) return `is ${bytes} bytes long, over the limit of ${MAX_PATH_BYTES}`;
  // A URL's query may be long (signed URLs); a path's parts are file names.
  if (looksLikeUrl(value)) return undefined;
  const long = value.split('/').find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (long !== undefined) {
    return `has a name of ${Buffer.byteLength(long)} bytes, over the limit of ${MAX_NAME_BYTES}`;
  }
  return undefined;
}

/** A file path (or URL) field: non-empty, and short enough to name a real file. */
export function filePath(name: string) {
  return nonEmpty(name).superRefine((value, ctx) => {
    const problem = pathProblem(value);
    if (!problem) return;
    // A URL is shown without its credentials or query.
    const shown = looksLikeUrl(value) ? redactUrl(value) : value;
    ctx.addIssue({ code: 'custom', input: shown, message: `${show(name)} ${show(shown)} ${problem}` });
  });
}

/**
 * An issue raised with a catalogue code (UNKNOWN_ENCODER) instead of INVALID_SPEC, so the CLI
 * and the API answer a bad value at submit exactly as a later stage would have.
 */
export function codedIssue(error: FramefleetError, path: string[], input: unknown) {
  return { code: 'custom' as const, path, input, message: error.message, params: { code: error.code } };
}

export function flag(name: string) {
  return z.boolean({
    error: (i) => `expected ${show(name)} to be true or false, got ${shownInput(i.input)}`,
  });
}

/** Control characters (C0, DEL, C1), as a regular expression's class body. */
const CONTROLS = '\\x00-\\x1f\\x7f-\\x9f';
const CONTROL = new RegExp(`[${CONTROLS}]`);
/** A name without them: the pattern reaches the JSON Schema. */
const NO_CONTROL = new RegExp(`^[^${CONTROLS}]*$`);

/**
 * An output file name with one of `extensions`; the pattern reaches the JSON Schema, so the API
 * refuses another extension at submit, as the CLI does, instead of failing the job later.
 */
export function outputPath(name: string, extensions: readonly string[]) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to end in ${extensions.map((e) => `.${e}`).join(', ')}, got ${shownValue(issue.input)}`;
  // Case-insensitive without the `i` flag, which a JSON Schema pattern cannot carry.
  const either = (ext: string) => [...ext].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c));
  const pattern = `\\.(${extensions.map((e) => either(e).join('')).join('|')})$`;
  // A control character (a line break, an escape) in a name framefleet creates breaks every
  // line-based reader of it, ours too: the CLI prints the output path as stdout's first line.
  const control = (issue: { input?: unknown }) => {
    const text = typeof issue.input === 'string' ? issue.input : '';
    const at = CONTROL.exec(text)?.index ?? 0;
    const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    return `expected ${show(name)} without control characters, got U+${code} at character ${[...text.slice(0, at)].length + 1} of ${shownValue(issue.input)}`;
  };
  return nonEmpty(name).regex(new RegExp(pattern), { error }).regex(NO_CONTROL, { error: control });
}

/** Validates at the edge, once: the first issue becomes a one-line error (INVALID_SPEC by default). */
export function parseSpec<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  const house = issueMessage(issue);
  const message = house.startsWith('expected ') ? house : `${house}${where}`;
  const coded = issue.code === 'custom' ? (issue.params?.code as string | undefined) : undefined;
  const code: ErrorCode = coded && coded in ERROR_CODES ? (coded as ErrorCode) : 'INVALID_SPEC';
  throw new FramefleetError(code, `invalid ${what}: ${message}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) },
  });
}

/**
 * An issue's message in the house style (one line naming the field and echoing the value) where
 * zod's own would show: a list too short or too long ("Too small: expected array to have >=1
 * items"), a field missing or of the wrong type. A field's own message is kept. Pure.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('expected ')) return issue.message;
  const last = issue.path.at(-1);
  const name = show(
    typeof last === 'number' ? `${String(issue.path.at(-2) ?? '')}[${last}]` : String(last ?? 'spec'),
  );
  const count = Array.isArray(issue.input) ? issue.input.length : undefined;
  const got = count === 0 ? 'an empty list' : `${count} item${count === 1 ? '' : 's'}`;
  if (issue.code === 'too_small' && issue.origin === 'array' && count !== undefined) {
    const min = Number(issue.minimum);
    return `expected ${name} to have at least ${min} item${min === 1 ? '' : 's'}, got ${got}`;
  }
  if (issue.code === 'too_big' && issue.origin === 'array' && count !== undefined) {
    return `expected ${name} to have at most ${Number(issue.maximum)} items, got ${got}`;
  }
  if (issue.code === 'invalid_type') {
    const expected =
      issue.expected === 'array'
        ? 'a list'
        : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    return `expected ${name} to be ${expected}, got ${shownValue(issue.input)}`;
  }
  return issue.message;
}
