import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// `framefleet server` with a token file holding a control character started and answered 401 to
// every request, as it did with a non-ASCII token from any source: no client can send either.
describe('framefleet server refuses at start a token no client can send', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-server-token-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** `framefleet --config <yaml> server` on a free port; it must exit before it ever listens. */
  async function start(name: string, yaml: string, env: NodeJS.ProcessEnv = {}) {
    const config = path.join(dir, `${name}.yaml`);
    await writeFile(config, yaml);
    return runCli(
      ['--config', config, 'server', '--port', '0', '--data-dir', path.join(dir, `data-${name}`)],
      { FRAMEFLEET_API_TOKEN: '', FRAMEFLEET_CONFIG: '', ...env },
      30_000,
    );
  }

  it.each([
    [
      'a control character',
      'abcdefgh\u0001ijkl',
      'holds a control character, which no HTTP client can send in a header',
    ],
    [
      'non-ASCII letters',
      'pässwörd-123',
      'holds a character outside printable ASCII, which a client sends as UTF-8 and the server reads as Latin-1',
    ],
  ])('in server.tokenFile: %s', async (name, token, problem) => {
    const tokenFile = path.join(dir, `token-${name}`);
    await writeFile(tokenFile, `${token}\n`);
    const result = await start(`file-${name}`, `server:\n  tokenFile: ${JSON.stringify(tokenFile)}\n`);
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('listening on');
    expect(result.stderr).toBe(
      `framefleet: error: invalid config: the token in \`server.tokenFile\` \`${tokenFile}\` ${problem}, got ${token.length} characters [INVALID_CONFIG]\n`,
    );
  });

  it('in server.token', async () => {
    const result = await start('config', 'server:\n  token: "pässwörd-123"\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /^framefleet: error: invalid config `.*config\.yaml`: `server\.token` holds a character outside printable ASCII.*, got 12 characters \[INVALID_CONFIG\]\n$/,
    );
    expect(result.stderr).not.toContain('pässwörd');
  });

  it('in FRAMEFLEET_API_TOKEN', async () => {
    const result = await start('env', '', { FRAMEFLEET_API_TOKEN: 'pässwörd-123' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /^framefleet: error: invalid environment variable FRAMEFLEET_API_TOKEN: `server\.token` holds a character outside printable ASCII.*, got 12 characters \[INVALID_CONFIG\]\n$/,
    );
    expect(result.stderr).not.toContain('pässwörd');
  });
});
