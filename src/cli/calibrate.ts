import type { Command } from 'commander';
import type { MachineProfile, ProfileState } from '../pipelines/transcode/machine-profile.js';
import { action, intOption } from './common.js';

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'measure once whether two x264 encodes at once beat one at 1080p on this machine (the planner then splits by default where they do)',
    )
    .option('--rounds <n>', 'alternating rounds of each way (median taken)', intOption('--rounds', 1, 9), 3)
    .option('--show', 'print the profile measured before, measure nothing')
    .option('--json', 'machine-readable output')
    .action(
      action(async (flags: { rounds: number; show?: boolean; json?: boolean }) => {
        const [profiles, { detectCapabilities }, { binariesIdentity }, { interruptible }] = await Promise.all(
          [
            import('../pipelines/transcode/machine-profile.js'),
            import('../cluster/capabilities.js'),
            import('../media/binaries.js'),
            import('./interrupt.js'),
          ],
        );
        const { cores } = await detectCapabilities({ declared: { detect: false } });
        const say = (line: string) => flags.json || process.stdout.write(`${line}\n`);
        if (!profiles.pairCores(cores)) {
          say(
            `nothing to measure on ${cores} cores: the choice between one 1080p encode and two at once is made on 2-4 cores only`,
          );
          if (flags.json) process.stdout.write('null\n');
          return;
        }
        if (flags.show) {
          const state = await profiles.profileState(cores, await binariesIdentity());
          if (flags.json) process.stdout.write(`${JSON.stringify(state.profile ?? null, null, 2)}\n`);
          else say(state.profile ? describe(state.profile) : absent(state, cores));
          return;
        }
        say(
          `calibrating on ${cores} cores: ${flags.rounds} alternating rounds of one 1080p x264 encode and of two halves at once (${profiles.CALIBRATION_SECONDS} s clip)...`,
        );
        const profile = await interruptible(
          (signal) =>
            profiles.calibrate({
              cores,
              rounds: flags.rounds,
              signal,
              onRun: (mode, t) =>
                say(
                  `  ${mode === 'one' ? 'one encode ' : 'two at once'}  ${t.wall.toFixed(2)} s wall${t.cpu === undefined ? '' : `, ${t.cpu.toFixed(2)} CPU-s`}`,
                ),
            }),
          { hint: () => 'nothing was saved; run it again' },
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
        else say(`${describe(profile)}\nsaved to ${profiles.profileFile()}`);
      }),
    );
}

/** Why `--show` has nothing to show: the planner then runs one encode. */
function absent(state: Exclude<ProfileState, { profile: MachineProfile }>, cores: number): string {
  const why = {
    missing: `no profile measured on this machine (${cores} cores)`,
    invalid: `the profile in ${state.file} is not one calibrate wrote (unreadable or edited): it is ignored`,
    'other-machine': `the profile in ${state.file} was measured on another machine, core count or ffmpeg: it is ignored`,
    stale: `the profile in ${state.file} is older than 90 days: it is ignored`,
  }[state.reason];
  return `${why}; run \`framefleet calibrate\` to measure (until then 1080p x264 jobs run as one encode)`;
}

/** The profile in two lines: what was measured, what the planner does with it. Pure. */
export function describe(p: Omit<MachineProfile, 'key'>): string {
  const cpu =
    p.one.cpu === undefined || p.pair.cpu === undefined
      ? ''
      : `, CPU ${(p.pair.cpu / p.one.cpu).toFixed(3)} (${p.pair.cpu.toFixed(2)} vs ${p.one.cpu.toFixed(2)} CPU-s)`;
  return [
    `measured ${new Date(p.at).toISOString()} on ${p.cores} cores: two at once / one encode wall ${(p.pair.wall / p.one.wall).toFixed(3)} (${p.pair.wall.toFixed(2)} vs ${p.one.wall.toFixed(2)} s)${cpu}`,
    p.pairs
      ? 'planner: 1080p and larger x264 jobs of 8 s or more split in two halves encoded at once'
      : 'planner: 1080p x264 jobs stay one encode with every core (two at once did not pay here)',
  ].join('\n');
}
