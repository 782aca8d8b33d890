import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, Pipeline } from '../../src/engine/types.js';
import { startServer, type Harness } from './harness.js';

const TOKEN = 'remove-stopping-token';
// A body-less POST names itself as a script's (what a cross-site form cannot send).
const auth = { authorization: `Bearer ${TOKEN}`, 'x-requested-with': 'test' };
const REMOVE_WAIT_MS = 500;

/**
 * One task that does not stop when its job is cancelled until the test lets it: an ffmpeg that
 * outlives its SIGTERM grace, without waiting for one.
 */
function stubbornPipeline(): { pipeline: Pipeline; running: Promise<void>; release: () => void } {
  let started!: () => void;
  let release!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const pipeline: Pipeline = {
    type: 'stubborn',
    parseSpec: (spec) => spec,
    plan: async () => ({
      tasks: [{ id: 'hold', kind: 'stubborn.hold', payload: {}, requires: {}, dependsOn: [], weight: 1 }],
      rootTaskId: 'hold',
    }),
    executors: {
      // Its signal is ignored: only the test ends it.
      'stubborn.hold': async () => {
        started();
        await released;
        return {};
      },
    },
  };
  return { pipeline, running, release };
}

// A remove right after a cancel waits for the job's tasks to stop; one that outlasts the wait is a
// 409 with Retry-After, and the remove asked again once they have stopped succeeds.
describe('removing a job whose tasks are still stopping', () => {
  let h: Harness;
  const stubborn = stubbornPipeline();

  beforeAll(async () => {
    h = await startServer({ token: TOKEN, pipelines: [stubborn.pipeline], removeWaitMs: REMOVE_WAIT_MS });
  });
  afterAll(async () => {
    stubborn.release();
    await h?.close();
  });

  it('answers 409 with Retry-After while they stop, then removes the job', async () => {
    const { id } = await h.runtime.backend.submit('stubborn', { nonce: 'remove-stopping' });
    await stubborn.running;
    const cancelled = await fetch(`${h.url}/v1/jobs/${id}`, { method: 'DELETE', headers: auth });
    expect(((await cancelled.json()) as JobRecord).state).toBe('cancelled');

    const started = Date.now();
    const refused = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    const waited = Date.now() - started;
    expect(refused.status).toBe(409);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: unknown }).error).toEqual({
      code: 'CONFLICT',
      message: `job \`${id}\` is still stopping its tasks after the cancel; try again in a moment`,
      details: { retryAfterSeconds: 2 },
    });
    // The configured wait, not the default 10 s.
    expect(waited).toBeGreaterThanOrEqual(REMOVE_WAIT_MS - 50);
    expect(waited).toBeLessThan(5000);
    expect((await fetch(`${h.url}/v1/jobs/${id}`, { headers: auth })).status).toBe(200);

    stubborn.release();
    const removed = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    expect(removed.status, await removed.clone().text()).toBe(200);
    expect(await removed.json()).toEqual({ removed: id });
    expect((await fetch(`${h.url}/v1/jobs/${id}`, { headers: auth })).status).toBe(404);
    expect(await readdir(path.join(h.dataDir, 'jobs'))).not.toContain(id);
  }, 30_000);
});
