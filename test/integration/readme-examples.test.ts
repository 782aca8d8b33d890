import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Example {
  /** The command words after `framefleet`, alternatives included: ['jobs', 'list', 'show', ...]. */
  words: string[];
  flags: string[];
  source: string;
}

const FLAG = /^--?[a-z][a-z0-9-]*/i;

/** framefleet command lines of the README: fenced sh blocks (with their continuation lines) and `code` spans. */
function readmeCommands(text: string, commands: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const block of text.matchAll(/```sh\n([^]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const code = line.replace(/\s#\s.*$/, '');
      if (/^\s+\[?-/.test(code) && lines.length) lines[lines.length - 1] += ` ${code.trim()}`;
      else lines.push(code.trim());
    }
  }
  for (const span of text.matchAll(/`([^`\n]+)`/g)) lines.push(span[1]!.trim());
  return lines
    .map((l) => l.replace(/^npx\s+/, '').replace(/^framefleet\s+/, ''))
    .filter((l) => commands.has(l.split(/\s+/)[0]!))
    .filter((l, i, all) => all.indexOf(l) === i);
}

function parse(line: string): Example {
  const tokens = line.split(/[\s[\]|]+/).filter(Boolean);
  // After `--` everything is an operand (a file named `-x.mp4`), as the CLI reads it.
  const end = tokens.indexOf('--');
  const options = end < 0 ? tokens : tokens.slice(0, end);
  return {
    words: tokens.filter((t) => /^[a-z]+$/.test(t)),
    flags: options.map((t) => FLAG.exec(t)?.[0]).filter((f): f is string => f !== undefined),
    source: line,
  };
}

/** Subcommand names from a commander help text's "Commands:" section. */
function subcommands(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

// What the README says exists, exists: every flag of every documented command is in its --help.
describe('README command examples', () => {
  const helps = new Map<string, string>();
  let examples: Example[] = [];

  const help = async (path: string[]) => {
    const key = path.join(' ');
    if (!helps.has(key)) {
      const result = await runCli([...path, '--help']);
      expect(result.code, `framefleet ${key} --help`).toBe(0);
      helps.set(key, result.stdout);
    }
    return helps.get(key)!;
  };

  beforeAll(async () => {
    const top = new Set(subcommands(await help([])));
    examples = readmeCommands(await readFile('README.md', 'utf8'), top).map(parse);
  });

  it('finds the documented commands', () => {
    const commands = new Set(examples.map((e) => e.words[0]));
    for (const c of ['transcode', 'analyze', 'jobs', 'server', 'worker', 'submit', 'doctor', 'demo']) {
      expect(commands, c).toContain(c);
    }
    expect(examples.length).toBeGreaterThan(15);
    // Prose counts too: `transcode --scene-cuts` was documented there while the CLI refused it.
    expect(examples.some((e) => e.words[0] === 'transcode' && e.flags.includes('--scene-cuts'))).toBe(true);
  });

  it('every documented flag is one the command accepts', async () => {
    // Each group's and each command's help, fetched side by side first.
    await Promise.all([...new Set(examples.map((e) => e.words[0]!))].map((c) => help([c])));
    const missing: string[] = [];
    for (const example of examples) {
      const [command, ...rest] = example.words;
      const groupSubs = subcommands(await help([command!]));
      // A group (analyze, jobs): the flags belong to one of the subcommands the line names.
      const paths = groupSubs.length
        ? rest.filter((w) => groupSubs.includes(w)).map((sub) => [command!, sub])
        : [[command!]];
      expect(paths.length, `no subcommand in \`${example.source}\``).toBeGreaterThan(0);
      // The program's own options (--config) are accepted after any command too.
      const texts = [...(await Promise.all(paths.map(help))), await help([])];
      for (const flag of example.flags) {
        const accepted = new RegExp(`(^|[\\s,])${flag}(?=[\\s,=<]|$)`, 'm');
        if (!texts.some((t) => accepted.test(t))) missing.push(`${flag} in \`framefleet ${example.source}\``);
      }
    }
    expect(missing).toEqual([]);
  });
});
