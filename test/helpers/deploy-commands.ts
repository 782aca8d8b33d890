import { readFileSync } from 'node:fs';
import { runCli } from './cli.js';

const helps = new Map<string, Promise<string>>();

/** `framefleet <path> --help`, once per path. */
function help(path: string[]): Promise<string> {
  const key = path.join(' ');
  let text = helps.get(key);
  if (!text) {
    text = runCli([...path, '--help'], { FRAMEFLEET_CONFIG: '' }).then((r) => {
      if (r.code !== 0) throw new Error(`framefleet ${key} --help exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    });
    helps.set(key, text);
  }
  return text;
}

/** The subcommands a help text lists under "Commands:". */
function subcommands(text: string): string[] {
  const section = text.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
}

/**
 * What is wrong with an argument list a deployment gives framefleet (a container's command or
 * args): an unknown command, or a `--flag` its help does not list. Empty when the CLI has it all.
 */
export async function cliProblems(argv: readonly string[]): Promise<string[]> {
  const path: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-') || !subcommands(await help(path)).includes(word)) break;
    path.push(word);
  }
  if (path.length === 0) return [`no framefleet command in ${JSON.stringify(argv)}`];
  const text = await help(path);
  if (subcommands(text).length > 0) return [`\`framefleet ${path.join(' ')}\` needs a subcommand`];
  const problems: string[] = [];
  for (const word of argv) {
    const flag = /^(--[a-z][a-z0-9-]*)/.exec(word)?.[1];
    if (flag && !new RegExp(`${flag}[ ,=\\n]`).test(text) && flag !== '--help')
      problems.push(`\`framefleet ${path.join(' ')}\` has no ${flag}`);
  }
  return problems;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
export function dockerInstructions(file: string): { op: string; args: string }[] {
  const text = readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}
