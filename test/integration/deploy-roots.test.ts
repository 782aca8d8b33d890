import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStorage } from '../../src/storage/index.js';
import { insideRoots, serverRoots } from '../../src/storage/path-policy.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Every framefleet.yaml in deploy/ that configures a server's storage (compose and the cluster's
// base today; deploy/keda's is the autoscaler's pools).
const SHIPPED = readdirSync(path.join(REPO, 'deploy'), { recursive: true, encoding: 'utf8' })
  .filter((f) => path.basename(f) === 'framefleet.yaml')
  .map((f) => path.join('deploy', f))
  .filter((f) => /^storage: file:/m.test(readFileSync(path.join(REPO, f), 'utf8')))
  .sort();

// The shipped configs keep storage at /data with the inbox, uploads and outbox folders beside the
// state: a server refusing every root inside its storage folder could not start with them. Paths
// under /data are mapped into a temp folder; the rest of the config is the file's own.
it('finds the shipped configs', () => {
  expect(SHIPPED).toEqual(
    expect.arrayContaining(['deploy/compose/framefleet.yaml', 'deploy/k8s/base/framefleet.yaml']),
  );
});

describe.each(SHIPPED)('the shipped %s', (file) => {
  let base = '';
  const mapped = (p: string) => path.join(base, path.relative('/', p));

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'ff-deploy-roots-')));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('gives roots the server starts with, confining jobs away from its own folders', async () => {
    const { config } = await loadConfig({
      file: path.join(REPO, file),
      env: { FRAMEFLEET_API_TOKEN: 'test-token-0123456789' },
    });
    const storageDir = mapped(fileURLToPath(config.storage!));
    const dataDir = mapped(config.dataDir!);
    const input = config.server.inputRoots.map(mapped);
    const output = config.server.outputRoots.map(mapped);
    expect(input.length * output.length).toBeGreaterThan(0);
    await Promise.all([...input, ...output, dataDir].map((d) => mkdir(d, { recursive: true })));
    const storage = openStorage(pathToFileURL(storageDir).href);
    const roots = await serverRoots(storage, input, output, [dataDir]);
    for (const root of input) expect(insideRoots(path.join(root, 'clip.mp4'), roots.input)).toBe(true);
    for (const root of output) expect(insideRoots(path.join(root, 'out.mp4'), roots.output)).toBe(true);
    for (const own of [path.join(dataDir, 'jobs', 'a'), path.join(storageDir, 'scratch', 'j', 'seg.mp4')]) {
      expect(insideRoots(own, roots.input), own).toBe(false);
      expect(insideRoots(own, roots.output), own).toBe(false);
    }
  });
});
