import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { transcodeSpecSchema } from '../../src/pipelines/transcode/spec.js';

/**
 * The dashboard's transcode form is plain browser JavaScript with no build step, so its choice
 * lists are written out there: each must offer exactly what the spec accepts (a choice the spec
 * lacks would be refused at submit, one it lacks could never be picked).
 */
describe('dashboard transcode form choices', () => {
  it('offer exactly the values the transcode spec accepts', async () => {
    const source = await readFile(join(import.meta.dirname, '../../web/pages/submit.js'), 'utf8');
    const constants = new Map(
      [...source.matchAll(/const (\w+) = (\[[^\]]*\]);/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    const list = (text: string) => [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    const selects = [...source.matchAll(/select\('(\w+)', (\[[^\]]*\]|\w+), '([^']*)'\)/g)].map((m) => ({
      name: m[1]!,
      values: list(m[2]!.startsWith('[') ? m[2]! : constants.get(m[2]!)!),
      initial: m[3]!,
    }));
    expect(selects.map((s) => s.name).sort()).toEqual([
      'audio',
      'codec',
      'deinterlace',
      'pixelFormat',
      'preset',
    ]);

    const schema = z.toJSONSchema(transcodeSpecSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { enum?: string[]; default?: string }>;
    };
    for (const { name, values, initial } of selects) {
      const property = schema.properties[name]!;
      expect(values, name).toEqual(property.enum);
      // The form's initial choice is what the spec does without it.
      expect(initial, name).toBe(property.default ?? 'auto');
    }
  });
});
