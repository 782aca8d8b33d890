import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every source file with the src/ folders it imports (type imports included: they couple too). */
function sources(): { file: string; lines: string[]; imports: string[] }[] {
  const root = resolve('src');
  const out: { file: string; lines: string[]; imports: string[] }[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    const imports = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) =>
      relative(root, resolve(dirname(path), m[1]!)),
    );
    out.push({ file: relative(root, path), lines: text.split('\n'), imports });
  }
  return out;
}

const folder = (path: string) => (path.includes('/') ? path.split('/')[0]! : '.');

/** Which folders each folder may import: dependencies point downwards (see DESIGN.md). */
const ALLOWED: Record<string, string[]> = {
  '.': [],
  // Compiled kernels (WebAssembly) under media and analysis: they import nothing.
  wasm: [],
  analysis: ['.', 'wasm'],
  storage: ['.'],
  media: ['.', 'storage', 'wasm'],
  engine: ['.', 'storage'],
  cluster: ['.', 'engine', 'media'],
  pipelines: ['.', 'engine', 'media', 'analysis', 'storage'],
  runtime: [
    '.',
    'engine',
    'media',
    'analysis',
    'storage',
    'pipelines',
    'cluster',
    'worker',
    'server',
    'config',
  ],
  config: ['.', 'engine', 'storage', 'cluster'],
  worker: ['.', 'engine', 'cluster', 'storage'],
  server: ['.', 'engine', 'cluster', 'storage', 'pipelines', 'media', 'runtime', 'config'],
  cli: [
    '.',
    'engine',
    'cluster',
    'storage',
    'pipelines',
    'media',
    'analysis',
    'runtime',
    'server',
    'worker',
    'config',
  ],
};

describe('architecture', () => {
  const files = sources();

  it('imports only downwards: media, analysis and engine know nothing of each other or of queues', () => {
    const wrong: string[] = [];
    for (const { file, imports } of files) {
      const from = folder(file);
      for (const target of imports) {
        const to = folder(target);
        if (to !== from && !(ALLOWED[from] ?? []).includes(to)) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps files under 300 lines unless the top says why', () => {
    const long = files
      .filter(
        (f) => f.lines.length > 300 && !f.lines.slice(0, 3).some((l) => /^\/\/ (Long|\d+ lines): /.test(l)),
      )
      .map((f) => `${f.file} (${f.lines.length} lines)`);
    expect(long).toEqual([]);
  });
});
