import * as z from 'zod';
import { show } from '../../errors.js';

/** A colour field: #RRGGBB or #RRGGBBAA (alpha last), as the error says. */
export function color(name: string) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a colour #RRGGBB or #RRGGBBAA, got ${show(issue.input ?? null)}`;
  return z.string({ error }).regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, { error });
}
