import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI } from './cli.js';

/**
 * `framefleet --config <dir>/framefleet.yaml server ...flags` as a child process (no token, roots
 * `in/` and `out/` under `dir`, one worker), once it says where it listens.
 */
export async function startServerChild(
  dir: string,
  yaml: string,
  flags: string[],
): Promise<{ child: ChildProcess; url: string }> {
  await Promise.all(['in', 'out'].map((d) => mkdir(path.join(dir, d), { recursive: true })));
  const config = path.join(dir, 'framefleet.yaml');
  await writeFile(config, yaml);
  const child = spawn(
    process.execPath,
    [
      ...[CLI, '--config', config, 'server', '--port', '0', '--data', path.join(dir, 'data')],
      ...['--input-root', path.join(dir, 'in'), '--output-root', path.join(dir, 'out')],
      ...['--workers', '1', '--log-level', 'warn', ...flags],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FRAMEFLEET_API_TOKEN: '' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}
