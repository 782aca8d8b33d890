import { execFileSync } from 'node:child_process';
import {
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/errors.js';
import { bearerMatches, isLoopback } from '../../src/server/auth.js';
import { canonicalRoots, confineInput, confineOutput, confineUrl } from '../../src/server/confine.js';
import { confineSpec, DEFAULT_JOB_TYPES } from '../../src/server/job-types.js';
import { writeAtomically } from '../../src/storage/atomic-output.js';
import { holdInputFile, holdOutputDir, openOutputForRead } from '../../src/storage/confined-open.js';

describe('path and URL confinement', () => {
  let dir = '';
  let roots: string[] = [];
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), 'ff-confine-')));
    await mkdir(path.join(dir, 'root', 'sub'), { recursive: true });
    await mkdir(path.join(dir, 'rootish'));
    await writeFile(path.join(dir, 'root', 'sub', 'a.mp4'), 'a');
    await writeFile(path.join(dir, 'rootish', 'b.mp4'), 'b');
    await symlink(path.join(dir, 'rootish', 'b.mp4'), path.join(dir, 'root', 'out-link.mp4'));
    await symlink(path.join(dir, 'root', 'sub', 'a.mp4'), path.join(dir, 'root', 'in-link.mp4'));
    await symlink(path.join(dir, 'root'), path.join(dir, 'root-alias'));
    await symlink(path.join(dir, 'rootish'), path.join(dir, 'root', 'dir-link'));
    await symlink('/dev/zero', path.join(dir, 'root', 'device'));
    execFileSync('mkfifo', [path.join(dir, 'root', 'fifo')]);
    roots = await canonicalRoots([path.join(dir, 'root-alias')]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );

  it('canonicalises roots through symlinks', () => {
    expect(roots).toEqual([path.join(dir, 'root')]);
  });

  it.each([
    ['a file inside', 'root/sub/a.mp4', 'ok'],
    ['a symlink that stays inside', 'root/in-link.mp4', 'ok'],
    ['a symlink that leads out', 'root/out-link.mp4', 'PATH_FORBIDDEN'],
    ['a sibling sharing the prefix', 'rootish/b.mp4', 'PATH_FORBIDDEN'],
    ['a `..` segment', 'root/sub/../sub/a.mp4', 'PATH_FORBIDDEN'],
    ['a missing file inside', 'root/missing.mp4', 'INPUT_NOT_FOUND'],
    ['a missing file outside', 'elsewhere/missing.mp4', 'PATH_FORBIDDEN'],
  ])('input: %s', async (_name, rel, expected) => {
    // Joined by hand: path.join would normalise the `..` away.
    expect(await code(confineInput(`${dir}/${rel}`, roots))).toBe(expected);
  });

  it('input: rejects relative paths and NUL bytes', async () => {
    expect(await code(confineInput('root/sub/a.mp4', roots))).toBe('INVALID_ARGUMENT');
    expect(await code(confineInput(`${dir}/root/a\0.mp4`, roots))).toBe('PATH_FORBIDDEN');
  });

  it('input: a name outside the roots is refused alike whether it exists and wherever it leads', async () => {
    // Found by an attacker's trial: /proc/self/root/... made every existing path "resolve to"
    // itself, so the refusal told which files exist and where any link points.
    const said = async (name: string) =>
      confineInput(name, roots).then(
        () => 'accepted',
        (e: Error) => e.message.replace(name, 'NAME'),
      );
    const answers = await Promise.all(
      [
        '/proc/self/root/etc/hostname',
        '/proc/self/root/etc/no-such-file',
        '/proc/self/cwd',
        '/proc/self/exe',
        `/proc/self/root${dir}/rootish/b.mp4`,
        `${dir}/rootish/b.mp4`,
      ].map(said),
    );
    expect(new Set(answers)).toEqual(new Set(['input `NAME` is outside the allowed input roots']));
  });

  it('input: returns the real path', async () => {
    expect(await confineInput(path.join(dir, 'root-alias', 'in-link.mp4'), roots)).toBe(
      path.join(dir, 'root', 'sub', 'a.mp4'),
    );
  });

  it.each([
    ['a new file inside', 'root/new.mp4', 'ok'],
    ['a new file in a sub folder', 'root/sub/new.mp4', 'ok'],
    ['an existing symlink leading out', 'root/out-link.mp4', 'PATH_FORBIDDEN'],
    ['a missing folder inside', 'root/nope/new.mp4', 'OUTPUT_UNWRITABLE'],
    ['a folder outside', 'rootish/new.mp4', 'PATH_FORBIDDEN'],
  ])('output: %s', async (_name, rel, expected) => {
    expect(await code(confineOutput(path.join(dir, rel), roots))).toBe(expected);
  });

  it('output: resolves the parent through symlinks', async () => {
    expect(await confineOutput(path.join(dir, 'root-alias', 'x.mp4'), roots)).toBe(
      path.join(dir, 'root', 'x.mp4'),
    );
  });

  const typeDef = (type: string) => DEFAULT_JOB_TYPES.find((t) => t.type === type)!;
  const submit = (type: string, spec: Record<string, unknown>) =>
    confineSpec(typeDef(type), spec, { inputRoots: roots, outputRoots: roots, allowHosts: [] }, () =>
      Promise.reject(new Error('no downloads here')),
    );
  const scene = (background: Record<string, string>, image?: string) => ({
    background,
    layers: image ? [{ type: 'image', path: image }] : [],
  });

  it("submit: a render spec's nested paths are checked like an input and named by their place", async () => {
    const relative = submit('render', { scenes: [scene({ video: 'clip2.mp4' })] });
    await expect(relative).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(relative).rejects.toThrow(
      /scenes\.0\.background\.video `clip2\.mp4` must be an absolute path/,
    );
    const outside = submit('render', { scenes: [scene({ color: 'black' }, '/etc/passwd')] });
    await expect(outside).rejects.toThrow(/scenes\.0\.layers\.0\.path `\/etc\/passwd` is outside/);
    const music = submit('render', { scenes: [], audio: { music: [{ path: `${dir}/rootish/b.mp4` }] } });
    await expect(music).rejects.toMatchObject({ code: 'PATH_FORBIDDEN' });
    const ok = await submit('render', {
      scenes: [scene({ video: path.join(dir, 'root-alias', 'in-link.mp4') })],
    });
    expect(ok).toMatchObject({ scenes: [{ background: { video: path.join(dir, 'root', 'sub', 'a.mp4') } }] });
  });

  // A new user's trial: a folder as a transcode's input was taken (202) and failed once queued.
  it('submit: a folder is refused where the field takes a file, and taken where it takes folders', async () => {
    const folder = submit('transcode', {
      input: path.join(dir, 'root', 'sub'),
      output: path.join(dir, 'root', 'o.mp4'),
    });
    await expect(folder).rejects.toMatchObject({ code: 'INPUT_NOT_A_FILE' });
    await expect(folder).rejects.toThrow(/input `.*root\/sub` is a directory, not a media file/);
    const file = await submit('transcode', {
      input: path.join(dir, 'root', 'sub', 'a.mp4'),
      output: path.join(dir, 'root', 'o.mp4'),
    });
    expect(file.input).toBe(path.join(dir, 'root', 'sub', 'a.mp4'));
  });

  it('submit: a montage clip folder inside the roots becomes its files, each confined', async () => {
    const spec = await submit('montage', { clips: [path.join(dir, 'root-alias', 'sub')] });
    expect(spec.clips).toEqual([path.join(dir, 'root', 'sub', 'a.mp4')]);
    // root holds out-link.mp4, a link leading out of the roots.
    await expect(submit('montage', { clips: [path.join(dir, 'root')] })).rejects.toThrow(
      /out-link\.mp4` resolves to .* outside the allowed input roots/,
    );
  });

  // 512 names of one 30,000-file folder confined 15 million files (13 minutes, 1.9 GB) before the
  // spec's bound of 512 clips refused the request.
  it('submit: clip folders are read once each and held to the clip bound as they expand', async () => {
    const big = path.join(dir, 'root', 'big');
    await mkdir(big, { recursive: true });
    await Promise.all(Array.from({ length: 600 }, (_, i) => writeFile(path.join(big, `c${i}.mp4`), '')));
    const started = Date.now();
    const many = submit('montage', { clips: Array.from({ length: 512 }, () => big) });
    await expect(many).rejects.toMatchObject({ code: 'INVALID_SPEC' });
    await expect(many).rejects.toThrow('at clips: expected at most 512 files, folders expanded; got more');
    expect(Date.now() - started).toBeLessThan(5_000);
    const twice = await submit('montage', {
      clips: [path.join(dir, 'root-alias', 'sub'), path.join(dir, 'root', 'sub')],
    });
    expect(twice.clips).toEqual([path.join(dir, 'root', 'sub', 'a.mp4')]);
  });

  it.each([
    ['https://media.example.com/a.mp4', 'ok'],
    ['http://MEDIA.example.com:8080/a.mp4', 'ok'],
    ['https://evil.example.com/a.mp4', 'URL_FORBIDDEN'],
    ['https://media.example.com.evil.net/a.mp4', 'URL_FORBIDDEN'],
    ['ftp://media.example.com/a.mp4', 'URL_FORBIDDEN'],
    ['https://user:pw@media.example.com/a.mp4', 'URL_FORBIDDEN'],
    ['file:///etc/passwd', 'URL_FORBIDDEN'],
    ['http://', 'INVALID_ARGUMENT'],
  ])('url %s', async (url, expected) => {
    expect(await code(Promise.resolve().then(() => confineUrl(url, ['media.example.com'])))).toBe(expected);
  });

  it.each([
    ['a file inside', 'root/sub/a.mp4', 'ok'],
    ['a symlink that stays inside', 'root/in-link.mp4', 'ok'],
    ['a symlink that leads out', 'root/out-link.mp4', 'PATH_FORBIDDEN'],
    ['a folder symlink that leads out', 'root/dir-link/b.mp4', 'PATH_FORBIDDEN'],
    ['a device, through a symlink', 'root/device', 'PATH_FORBIDDEN'],
    ['a FIFO (opened without blocking)', 'root/fifo', 'INPUT_NOT_A_FILE'],
    ['a directory', 'root/sub', 'INPUT_NOT_A_FILE'],
    ['a missing file inside', 'root/missing.mp4', 'INPUT_NOT_FOUND'],
    ['a missing file outside', 'elsewhere/missing.mp4', 'PATH_FORBIDDEN'],
  ])('at use, input: %s', async (_name, rel, expected) => {
    const held = holdInputFile(`${dir}/${rel}`, roots);
    expect(await code(held)).toBe(expected);
    await held.then((h) => h.close()).catch(() => undefined);
  });

  it('at use, a held input stays the file that was checked when its folder is swapped', async () => {
    await mkdir(path.join(dir, 'root', 'swap'));
    await writeFile(path.join(dir, 'root', 'swap', 'v.mp4'), 'checked');
    const held = await holdInputFile(path.join(dir, 'root', 'swap', 'v.mp4'), roots);
    try {
      await rename(path.join(dir, 'root', 'swap'), path.join(dir, 'root', 'swap.moved'));
      await writeFile(path.join(dir, 'rootish', 'v.mp4'), 'outside');
      await symlink(path.join(dir, 'rootish'), path.join(dir, 'root', 'swap'));
      // A child process opens the same inode through the held name, not the re-pointed path.
      expect(execFileSync('cat', [held.path], { encoding: 'utf8' })).toBe('checked');
      expect(held.real).toBe(path.join(dir, 'root', 'swap', 'v.mp4'));
    } finally {
      await held.close();
    }
  });

  it('at use, an output is written into the folder that was checked even if it is swapped meanwhile', async () => {
    await mkdir(path.join(dir, 'root', 'out'));
    const output = path.join(dir, 'root', 'out', 'o.mp4');
    const outsideBefore = await readdir(path.join(dir, 'rootish'));
    const { size } = await writeAtomically(output, roots, async (temp) => {
      await rename(path.join(dir, 'root', 'out'), path.join(dir, 'root', 'out.moved'));
      await symlink(path.join(dir, 'rootish'), path.join(dir, 'root', 'out'));
      execFileSync('sh', ['-c', `printf written > "${temp}"`]);
    });
    expect(size).toBe(7);
    expect(await readFile(path.join(dir, 'root', 'out.moved', 'o.mp4'), 'utf8')).toBe('written');
    expect(await readdir(path.join(dir, 'rootish'))).toEqual(outsideBefore);
    // Once the folder is a symlink out, the next output is refused before anything is written.
    expect(await code(holdOutputDir(path.join(dir, 'root', 'out'), roots))).toBe('PATH_FORBIDDEN');
    expect(await code(writeAtomically(output, roots, async () => undefined))).toBe('PATH_FORBIDDEN');
    expect(await readdir(path.join(dir, 'rootish'))).toEqual(outsideBefore);
  });

  it('to serve, an output with a second hard link is refused; one framefleet published is not', async () => {
    // Found by the attacker trial: a hard link inside the root to a file outside it was served
    // (a real path cannot see where a hard link's other name is).
    await writeFile(path.join(dir, 'rootish', 'secret.txt'), 'not for you');
    const linked = path.join(dir, 'root', 'linked.mp4');
    await link(path.join(dir, 'rootish', 'secret.txt'), linked);
    const refused = await openOutputForRead(linked, roots).catch((e: Error & { code: string }) => e);
    expect(refused).toMatchObject({
      code: 'PATH_FORBIDDEN',
      message: `output \`${linked}\` has 2 hard links; a file with another name elsewhere is not served`,
    });
    // Published without overwrite: a link from its temporary name, which is removed at once.
    const published = path.join(dir, 'root', 'published.mp4');
    await writeAtomically(published, roots, (temp) => writeFile(temp, 'ours'));
    const handle = await openOutputForRead(published, roots);
    expect(await handle.readFile('utf8')).toBe('ours');
    await handle.close();
  });

  it.each([
    [
      'https://user:pw@media.example.com/a.mp4?sig=SECRET#t',
      'https://[redacted]@media.example.com/a.mp4?[redacted]',
    ],
    ['http://media.example.com:8080/a%20b.mp4', 'http://media.example.com:8080/a%20b.mp4'],
    ['s3://bucket/key.mp4?versionId=x', 's3://bucket/key.mp4?[redacted]'],
    ['http://user:pw@[not a url/x?token=SECRET', 'http://[redacted]@[not a url/x?[redacted]'],
  ])('redacts %s in messages', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('compares bearer tokens and recognises loopback hosts', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    // The scheme is case-insensitive (RFC 9110): a client sending `bearer` was refused.
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('BEARER  abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer ABC', 'abc')).toBe(false);
    expect(bearerMatches('Bearerabc', 'abc')).toBe(false);
    expect(bearerMatches('Basic abc', 'abc')).toBe(false);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('abc', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
