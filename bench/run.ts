/**
 * `npm run bench [-- name...]`: runs the benchmarks one after another (never in parallel: they
 * measure ratios against a peer in the same run, and these machines have two noisy cores).
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  transcode: () => import('./transcode.js'),
  'control-plane': () => import('./control-plane.js'),
  'server-load': () => import('./server-load.js'),
  scenes: () => import('./scenes.js'),
  beats: () => import('./beats.js'),
  startup: () => import('./startup.js'),
  process: () => import('./process.js'),
  render: () => import('./render.js'),
  autoscale: () => import('./autoscale.js'),
  ladder: () => import('./ladder.js'),
  montage: () => import('./montage.js'),
  'scenes-gpu': () => import('./scenes-gpu.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length) {
  process.stderr.write(
    `bench: unknown benchmark ${unknown.join(', ')}; expected ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  process.stdout.write(`\n=== bench ${name} ===\n`);
  try {
    const bench = await BENCHES[name]!();
    await bench.run();
  } catch (error) {
    failed++;
    process.stdout.write(`bench ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
process.exit(failed ? 1 : 0);
