import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, submitWaitingJob, type Harness } from './harness.js';

// The event stream hijacks its reply and writes its own head: the frame and sniffing headers the
// server's hook set on the reply were dropped, so it was the one 200 without them.
describe('an event stream', () => {
  let h: Harness;
  let job: JobRecord;
  beforeAll(async () => {
    // No slot to run its tasks on: the job stays queued, so its stream stays open until aborted.
    h = await startServer({ workers: 0 });
    job = await submitWaitingJob(h);
  }, 60_000);
  afterAll(async () => h?.close());

  it('says frame-ancestors none, DENY and nosniff, as every other response does', async () => {
    const abort = new AbortController();
    try {
      const response = await fetch(`${h.url}/v1/jobs/${job.id}/events`, { signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      abort.abort();
    }
  });
});
