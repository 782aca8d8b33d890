import * as z from 'zod';
import { show } from '../../errors.js';
import { shownValue } from '../schema.js';

/**
 * A colour field: #RRGGBB or #RRGGBBAA (alpha last), or the short #RGB and #RGBA, which become the
 * long forms (#f08 is #ff0088) so that everything after the spec sees one form.
 */
export function color(name: string) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a colour #RRGGBB, #RRGGBBAA, #RGB or #RGBA, got ${shownValue(issue.input)}`;
  return (
    z
      .string({ error })
      .regex(/^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, { error })
      // A string still (not a transform): the JSON Schema keeps the field's default.
      .overwrite(longColor)
  );
}

/** #RGB and #RGBA written out as #RRGGBB and #RRGGBBAA; long forms as they are. Pure. */
export function longColor(value: string): string {
  return value.length > 5 ? value : `#${[...value.slice(1)].map((c) => c + c).join('')}`;
}
