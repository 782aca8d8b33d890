import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerChild } from '../helpers/server-child.js';

/** A server child, recorded for cleanup. */
async function startChild(
  dir: string,
  yaml: string,
  flags: string[],
): Promise<{ child: ChildProcess; url: string }> {
  const started = await startServerChild(dir, yaml, flags);
  children.push(started.child);
  return started;
}

/** An upload that sends a few bytes of the million it declares and then nothing. */
function holdUpload(url: string): { socket: Socket; answer: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.write(
    `POST /v1/uploads?name=held.bin HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nsome bytes`,
  );
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  return { socket, answer: new Promise((done) => socket.on('close', () => done(text))) };
}

async function upload(url: string): Promise<{ status: number; message: string | undefined }> {
  const response = await fetch(`${url}/v1/uploads?name=u.bin`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: 'small',
  });
  const body = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: body.error?.message };
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children: ChildProcess[] = [];
const sockets: Socket[] = [];

// The caps and timeouts were flags only: framefleet.yaml's `server:` could not set them.
describe('server limits from framefleet.yaml, flags over them', () => {
  let dir = '';
  let fromYaml = '';
  let flagOverYaml = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-limits-config-'));
    const started = await Promise.all([
      startChild(
        path.join(dir, 'a'),
        'server:\n  maxUploadsPerClient: 1\n  minUploadKibPerS: 1000\n  uploadRateWindowS: 1\n  uploadRateGraceS: 3\n',
        [],
      ),
      startChild(path.join(dir, 'b'), 'server:\n  maxUploadsPerClient: 1\n  minUploadKibPerS: 0\n', [
        '--max-uploads-per-client',
        '2',
      ]),
    ]);
    [fromYaml, flagOverYaml] = started.map((s) => s.url) as [string, string];
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes maxUploadsPerClient and the upload rate keys from the file', async () => {
    const started = Date.now();
    const held = holdUpload(fromYaml);
    let refused = { status: 0, message: undefined as string | undefined };
    await until(async () => (refused = await upload(fromYaml)).status === 429, 'the one upload to be held');
    expect(refused.message).toContain('(max-uploads-per-client 1)');
    // 1000 KiB/s after 3 s: the held upload ends well before the built-in 10 s grace would end it.
    const answer = await held.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('below the minimum of 1000 KiB/s');
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('lets --max-uploads-per-client override the file', async () => {
    const held = [holdUpload(flagOverYaml), holdUpload(flagOverYaml)];
    let refused = { status: 0, message: undefined as string | undefined };
    await until(async () => (refused = await upload(flagOverYaml)).status === 429, 'two uploads to be held');
    expect(refused.message).toBe(
      '2 uploads are open from 127.0.0.1, the most one client may have (max-uploads-per-client 2); retry in a few seconds',
    );
    for (const h of held) h.socket.destroy();
  });
});
