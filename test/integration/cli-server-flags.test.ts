import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';

/** Starts the built server with `args` on a free port; resolves with its stderr once it listens, then stops it. */
function serverStart(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'server', '--port', '0', ...args], {
      cwd,
      // No framefleet.yaml in `cwd`, none named: flags and built-in defaults only.
      env: { ...process.env, FRAMEFLEET_CONFIG: undefined, FRAMEFLEET_DATA_DIR: undefined, ...env },
    });
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the server did not start:\n${text}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (text.includes('listening on')) {
        clearTimeout(timer);
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', () => {
      clearTimeout(timer);
      done(text);
    });
  });
}

describe('server command-line flags', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-server-flags-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // `jobs --data-dir DIR` but `server --data DIR`: the server takes --data-dir, --data still works.
  it.each([['--data-dir'], ['--data']])('takes its data dir from %s', async (flag) => {
    const data = path.join(dir, `data${flag}`);
    const out = await serverStart([flag, data], dir);
    expect(out).toContain(`(data ${data},`);
  });

  // Found by an attacker's trial: bound to every interface, the server said it listened on
  // 127.0.0.1 (fastify's name for it), which an operator would read as loopback only.
  it('says so when it listens on every interface', async () => {
    const out = await serverStart(['--host', '0.0.0.0', '--data-dir', path.join(dir, 'every')], dir, {
      FRAMEFLEET_API_TOKEN: 'a-long-enough-token',
    });
    expect(out).toMatch(
      /listening on http:\/\/0\.0\.0\.0:\d+ \(every interface; this machine: http:\/\/127\.0\.0\.1:\d+\)/,
    );
  });

  // A per-client cap above the server's was taken silently, though it can never refuse anything.
  it('warns in one line when a per-client cap is above its server cap', async () => {
    const out = await serverStart(
      [
        ...['--data-dir', path.join(dir, 'caps')],
        '--max-uploads-per-client',
        '5',
        '--max-uploads',
        '2',
      ].concat(['--max-event-streams-per-client', '9', '--max-event-streams', '3']),
      dir,
    );
    expect(out).toContain(
      'framefleet: warning: --max-uploads-per-client 5 is above --max-uploads 2; it has no effect, one client may hold at most 2\n',
    );
    expect(out).toContain(
      'framefleet: warning: --max-event-streams-per-client 9 is above --max-event-streams 3; it has no effect, one client may hold at most 3\n',
    );
  });

  // Commander's own errors (a bad option value, an unknown command) had no code, unlike every other.
  it.each([
    [
      ['server', '--max-uploads-per-client', '0'],
      "framefleet: error: option '--max-uploads-per-client <n>' argument '0' is invalid. expected --max-uploads-per-client to be an integer from 1 to 1024, got `0` [INVALID_ARGUMENT]\n",
    ],
    [
      ['server', '--trust-proxy', '10.0.0.1,10.0.0.0/33'],
      "framefleet: error: option '--trust-proxy <list>' argument '10.0.0.1,10.0.0.0/33' is invalid. expected each --trust-proxy entry to be an IP address or CIDR such as 10.0.0.0/8, 203.0.113.7 or fd00::/8, got `10.0.0.0/33` [INVALID_ARGUMENT]\n",
    ],
    [
      ['server', '--trust-proxy', '10.0.0.1,'],
      "framefleet: error: option '--trust-proxy <list>' argument '10.0.0.1,' is invalid. expected each --trust-proxy entry to be an IP address or CIDR such as 10.0.0.0/8, 203.0.113.7 or fd00::/8, got an empty entry in `10.0.0.1,` [INVALID_ARGUMENT]\n",
    ],
    [['jobs', 'lst'], "framefleet: error: unknown command 'lst' (Did you mean list?) [INVALID_ARGUMENT]\n"],
    [
      ['transcode', 'in.mp4'],
      "framefleet: error: required option '-o, --output <file>' not specified [INVALID_ARGUMENT]\n",
    ],
    [['worker', '--bogus'], "framefleet: error: unknown option '--bogus' [INVALID_ARGUMENT]\n"],
  ])('framefleet %j is one line with [INVALID_ARGUMENT] and exit 2', async (args, line) => {
    const r = await runCli(args);
    expect(r.stderr).toBe(line);
    expect(r.code).toBe(2);
  });
});
