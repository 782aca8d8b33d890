import { readdir, readFile } from 'node:fs/promises';

/** Live (not zombie) processes named `comm` whose parent is `ppid` and whose arguments include `arg`. */
export async function childrenNamed(ppid: number, comm: string, arg: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = await stat(Number(name));
    if (!info || info.ppid !== ppid || info.comm !== comm || info.state === 'Z') continue;
    const args = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (args.split('\0').includes(arg)) found.push(Number(name));
  }
  return found;
}

/** True while the process exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  const info = await stat(pid);
  return info !== undefined && info.state !== 'Z';
}

async function stat(pid: number): Promise<{ comm: string; state: string; ppid: number } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const close = text?.lastIndexOf(')') ?? -1;
  if (!text || close < 0) return undefined;
  const [state, ppid] = text.slice(close + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, close), state: state!, ppid: Number(ppid) };
}

/** Polls `probe` every 50 ms until it gives a value, or throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
