import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

/** Where a server's token can come from, each loaded as `framefleet server` loads it. */
const SOURCES = ['FRAMEFLEET_API_TOKEN', 'server.token', 'server.tokenFile'] as const;
type Source = (typeof SOURCES)[number];

// A token file holding a control character was taken (the server started and answered 401 to
// everyone), though the same value in FRAMEFLEET_API_TOKEN was refused; and a non-ASCII token was
// taken from every source, though a client sends it as UTF-8 bytes the server reads as Latin-1.
describe('one rule for the API token, from every source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-config-token-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  let count = 0;
  /** loadConfig with `token` given by `source`; the config file it wrote, if any. */
  async function load(source: Source, token: string) {
    const file = join(dir, `framefleet-${++count}.yaml`);
    const tokenFile = join(dir, `token-${count}`);
    if (source === 'FRAMEFLEET_API_TOKEN') {
      return {
        file: undefined,
        tokenFile,
        loading: loadConfig({ cwd: dir, env: { FRAMEFLEET_API_TOKEN: token } }),
      };
    }
    if (source === 'server.token') {
      // Double-quoted YAML, escaped as JSON is (and DEL too): a raw control character is no YAML.
      await writeFile(file, `server:\n  token: ${JSON.stringify(token).replace('\u007f', '\\u007f')}\n`);
    } else {
      await writeFile(tokenFile, `${token}\n`);
      await writeFile(file, `server:\n  tokenFile: ${JSON.stringify(tokenFile)}\n`);
    }
    return { file, tokenFile, loading: loadConfig({ cwd: dir, env: {}, file }) };
  }

  const refusals = SOURCES.flatMap((source) =>
    [
      ['a control character', 'abcdefgh\u0001ijkl', /holds a control character/],
      ['a DEL', 'abcdefgh\u007fijkl', /holds a control character/],
      ['non-ASCII letters', 'pässwörd-123', /holds a character outside printable ASCII/],
      ['a no-break space', 'long\u00a0enough-token', /holds a character outside printable ASCII/],
      ['an emoji', 'token-\u{1f511}-12345', /holds a character outside printable ASCII/],
    ].map(([name, token, says]) => ({
      source,
      name: name as string,
      token: token as string,
      says: says as RegExp,
    })),
  );

  it.each(refusals)(
    'refuses $name from $source, naming the source, never the token',
    async ({ source, token, says }) => {
      const { file, tokenFile, loading } = await load(source, token);
      const error = await loading.then(
        () => undefined,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error?.code).toBe('INVALID_CONFIG');
      expect(error?.message).toMatch(says);
      expect(error?.message).toContain(`got ${token.length} characters`);
      expect(error?.message).not.toContain(token);
      expect(error?.message).not.toMatch(/\n/);
      const where =
        source === 'FRAMEFLEET_API_TOKEN'
          ? 'invalid environment variable FRAMEFLEET_API_TOKEN: `server.token`'
          : source === 'server.token'
            ? `invalid config \`${file}\`: \`server.token\``
            : `invalid config: the token in \`server.tokenFile\` \`${tokenFile}\``;
      expect(error?.message).toContain(where);
    },
  );

  // The rule's edges: every printable ASCII character, spaces inside, and what trimming removes.
  it.each(SOURCES)('takes printable ASCII with spaces inside from %s, trimmed', async (source) => {
    const printable = String.fromCharCode(...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => 0x21 + i));
    const token = `a b ${printable}`;
    const { loading } = await load(source, `  ${token}\t`);
    expect((await loading).config.server.token).toBe(token);
  });
});
