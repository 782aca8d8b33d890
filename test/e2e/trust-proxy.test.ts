import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerChild } from '../helpers/server-child.js';

const children: ChildProcess[] = [];
const sockets: Socket[] = [];

/** A server child with small upload caps (one held upload a client), recorded for cleanup; its URL. */
async function startChild(dir: string, flags: string[], yaml = ''): Promise<string> {
  const { child, url } = await startServerChild(dir, yaml, [
    ...['--min-upload-kib-per-s', '0', '--max-uploads', '16', '--max-uploads-per-client', '1', ...flags],
  ]);
  children.push(child);
  return url;
}

interface From {
  /** The socket's own address (all of 127.0.0.0/8 is loopback on Linux). */
  local?: string;
  /** The X-Forwarded-For header sent, if any. */
  forwarded?: string;
}

/** An upload from `from` that sends a few bytes of the million it declares and then nothing. */
function holdUpload(url: string, from: From): void {
  const { hostname, port } = new URL(url);
  const socket = connect({ port: Number(port), host: hostname, localAddress: from.local });
  sockets.push(socket);
  socket.on('error', () => undefined);
  const forwarded = from.forwarded ? `X-Forwarded-For: ${from.forwarded}\r\n` : '';
  socket.write(
    `POST /v1/uploads?name=held.bin HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${forwarded}Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nsome bytes`,
  );
}

/** A small upload from `from`: its status and error message. */
function upload(url: string, from: From): Promise<{ status: number; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/v1/uploads?name=u.bin`,
      {
        method: 'POST',
        agent: false,
        localAddress: from.local,
        headers: {
          'content-type': 'application/octet-stream',
          ...(from.forwarded ? { 'x-forwarded-for': from.forwarded } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (d: Buffer) => (text += d.toString()));
        response.on('end', () => {
          const body = JSON.parse(text) as { error?: { message: string } };
          resolve({ status: response.statusCode ?? 0, message: body.error?.message });
        });
      },
    );
    req.on('error', reject);
    req.end('small');
  });
}

/** Holds `from`'s one upload slot, then answers the refusal of its next upload. */
async function holdAndRefuse(url: string, from: From): Promise<string | undefined> {
  holdUpload(url, from);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await upload(url, from);
    if (answer.status === 429) return answer.message;
    if (Date.now() > deadline) throw new Error(`the held upload of ${JSON.stringify(from)} was not counted`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A connection from `local` that has sent part of a request head and then waits: closed where the
 * server closes it within `waitMs`, else open.
 */
function stalledConnection(url: string, local: string, waitMs = 500): Promise<'open' | 'closed'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: hostname, localAddress: local }, () =>
      socket.write('GET /healthz HTTP/1.1\r\n'),
    );
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve('closed'));
    setTimeout(() => resolve('open'), waitMs);
  });
}

const refusal = (client: string) =>
  `1 upload is open from ${client}, the most one client may have (max-uploads-per-client 1); retry in a few seconds`;

// Behind a reverse proxy every request came from the proxy's address: the per-client caps were one
// cap for everyone (and the logs named the proxy). --trust-proxy names the proxies whose
// X-Forwarded-For is believed; no one else's is.
describe('--trust-proxy', () => {
  let dir = '';
  let trusting = '';
  let fromYaml = '';
  let plain = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-trust-proxy-'));
    [trusting, fromYaml, plain] = await Promise.all([
      startChild(path.join(dir, 'a'), [
        ...['--trust-proxy', '127.0.0.1', '--trust-proxy', '10.0.0.0/8,fd00::/8'],
        ...['--max-connections-per-client', '3'],
      ]),
      startChild(path.join(dir, 'b'), [], 'server:\n  trustProxy: [127.0.0.1]\n'),
      startChild(path.join(dir, 'c'), []),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts each client a trusted proxy forwards on its own', async () => {
    const one = { local: '127.0.0.1', forwarded: '198.51.100.1' };
    expect(await holdAndRefuse(trusting, one)).toBe(refusal('198.51.100.1'));
    // The proxy appends the peer it saw to what the client sent: the last entry is the client.
    expect(await upload(trusting, { forwarded: '192.0.2.99, 198.51.100.2' })).toEqual({
      status: 201,
      message: undefined,
    });
    expect(await upload(trusting, { forwarded: '198.51.100.2, 198.51.100.1' })).toMatchObject({
      status: 429,
    });
  });

  it('counts a forwarded IPv6 client as its /64', async () => {
    const first = { forwarded: '2001:db8:0:1::a' };
    expect(await holdAndRefuse(trusting, first)).toBe(refusal('2001:db8:0:1::/64'));
    const sameNetwork = await upload(trusting, { forwarded: '2001:0DB8:0:1:0:0:0:b' });
    expect(sameNetwork.message).toBe(refusal('2001:db8:0:1::/64'));
    expect((await upload(trusting, { forwarded: '2001:db8:0:2::a' })).status).toBe(201);
  });

  it('ignores X-Forwarded-For from a peer it does not trust', async () => {
    const untrusted = { local: '127.0.0.2', forwarded: '198.51.100.3' };
    expect(await holdAndRefuse(trusting, untrusted)).toBe(refusal('127.0.0.2'));
    const another = await upload(trusting, { local: '127.0.0.2', forwarded: '198.51.100.4' });
    expect(another.message).toBe(refusal('127.0.0.2'));
  });

  it("does not cap a trusted proxy's connections per client, and caps everyone else's", async () => {
    const proxy = [];
    for (let i = 0; i < 5; i++) proxy.push(await stalledConnection(trusting, '127.0.0.1'));
    expect(proxy).toEqual(['open', 'open', 'open', 'open', 'open']);
    const other = [];
    // The one to be closed is given longer: on a loaded machine its close came after 500 ms.
    for (let i = 0; i < 4; i++)
      other.push(await stalledConnection(trusting, '127.0.0.3', i === 3 ? 5000 : 500));
    expect(other).toEqual(['open', 'open', 'open', 'closed']);
  });

  it('takes the trusted proxies from framefleet.yaml', async () => {
    const forwarded = { forwarded: '198.51.100.5' };
    expect(await holdAndRefuse(fromYaml, forwarded)).toBe(refusal('198.51.100.5'));
    expect((await upload(fromYaml, { forwarded: '198.51.100.6' })).status).toBe(201);
  });

  it('without it, X-Forwarded-For is ignored: every request is its socket peer', async () => {
    expect(await holdAndRefuse(plain, { forwarded: '198.51.100.7' })).toBe(refusal('127.0.0.1'));
    const other = await upload(plain, { forwarded: '198.51.100.8' });
    expect(other.message).toBe(refusal('127.0.0.1'));
  });
});
