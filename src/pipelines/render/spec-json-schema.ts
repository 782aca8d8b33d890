import * as z from 'zod';
import { renderSpecSchema } from './spec.js';

/** The JSON Schema editors validate a spec with (schemas/render-spec.schema.json holds a copy). */
export function renderJsonSchema(): Record<string, unknown> {
  const options = { io: 'input', unrepresentable: 'any' } as const;
  const { required = [], ...schema } = z.toJSONSchema(renderSpecSchema, options);
  // A spec file on disk gets its output from `render -o`, so an editor must not ask for one.
  const asked = required.filter((key) => key !== 'output');
  const head = {
    $id: 'https://framefleet.dev/schemas/render-spec.schema.json',
    title: 'framefleet render spec',
  };
  return { ...head, ...schema, ...(asked.length ? { required: asked } : {}) };
}
