// Builds dist/: TypeScript through tsc, the files tsc does not copy (the engine's Lua scripts), then
// the CLI as one bundle over tsc's dist/cli/index.js.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const entry of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.lua')) continue;
  const from = join(entry.parentPath, entry.name);
  cpSync(from, join(root, 'dist', relative(join(root, 'src'), from)));
  // The bundled CLI's Redis engine reads them next to itself (new URL('./lua/', import.meta.url)).
  cpSync(from, join(root, 'dist', 'cli', 'lua', entry.name));
}

// Packages the bundle carries inside: pure ESM without file access, whose dozens of modules cost
// more to resolve and load one by one than to parse as part of one file (zod: about 0.1 s). The
// sources import zod as a namespace (`import * as z`), so only the schema types they use are
// bundled: 204 KB, where `import { z }` (one object holding every export) kept all 391 KB.
const INLINE = new Set(['zod']);

// The CLI starts in about half the time as one bundle: a short job's fixed cost is mostly Node
// resolving, reading and compiling some 300 modules one by one. Commands stay loaded on demand
// (code splitting: each command's chunk), next to index.js so the paths relative to it (web/,
// lua/) hold as they do for tsc's files. Other packages stay external: they read their own files.
// Chunks of an earlier build would pile up beside the new ones (their names are content hashes).
for (const name of readdirSync(join(root, 'dist', 'cli'))) {
  if (/^chunk-.*\.js$/.test(name)) rmSync(join(root, 'dist', 'cli', name));
}
await build({
  entryPoints: { index: join(root, 'src', 'cli', 'index.ts') },
  outdir: join(root, 'dist', 'cli'),
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [
    {
      // zod's namespace re-exports every message locale (about 370 KB the CLI would parse at each
      // start); framefleet's messages are English, the locale zod configures itself with.
      name: 'zod-english-only',
      setup(esbuild) {
        esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer, resolveDir }) =>
          /[\\/]zod[\\/]/.test(importer)
            ? { path: join(resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-en' }
            : undefined,
        );
        esbuild.onLoad({ filter: /.*/, namespace: 'zod-en' }, ({ path }) => ({
          contents: `export { default as en } from ${JSON.stringify(path)};`,
          resolveDir: dirname(path),
        }));
      },
    },
    {
      name: 'external-packages',
      setup(esbuild) {
        esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) => {
          const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
          return INLINE.has(name) ? undefined : { path, external: true };
        });
      },
    },
  ],
});
