import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

/** The JSON bodies of README's `curl ... /v1/jobs ... -d '{...}'` examples, in order. */
async function readmeJobBodies(): Promise<string[]> {
  const text = await readFile('README.md', 'utf8');
  const bodies: string[] = [];
  for (const block of text.matchAll(/```sh\n([^]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const body = /\/v1\/jobs\b.*-d '(\{.*\})'/.exec(line)?.[1];
      if (body) bodies.push(body);
    }
  }
  return bodies;
}

// `analyze.beats` over the API was undocumented: the natural guess `{"input": ...}` is refused
// (`body.spec must have required property 'inputs'`). The README's examples are submitted as written.
describe("README's job examples over the HTTP API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({});
    const clip = await sampleClip({
      path: path.join(h.inputDir, 'film.mp4'),
      ...{ width: 160, height: 90, fps: 10, scenes: [1] },
    });
    await copyFile(clip.path, path.join(h.inputDir, 'song.mp4'));
  });
  afterAll(() => h.close());

  it('documents a working spec for each analyze job type', async () => {
    const bodies = await readmeJobBodies();
    const types = bodies.map((b) => (JSON.parse(b) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['analyze.beats', 'analyze.scenes']));
    for (const body of bodies) {
      // The README's /media/ is this server's input root.
      const response = await fetch(`${h.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body.replaceAll('/media/', `${h.inputDir}/`),
      });
      expect(response.status, `${body}: ${await response.clone().text()}`).toBe(202);
      const job = (await response.json()) as { type: string };
      expect(job.type).toBe((JSON.parse(body) as { type: string }).type);
    }
  });
});
