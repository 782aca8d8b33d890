import type { Command } from 'commander';
import { action } from './common.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show ffmpeg, GPUs, listed encoders and which ones pass a smoke encode here')
    .option('--json', 'machine-readable output')
    .action(
      action(async (flags: { json?: boolean }) => {
        const [{ ensureFfmpeg }, { ENCODERS }, { detectEncoders }, { detectGpus }] = await Promise.all([
          import('../media/binaries.js'),
          import('../media/encoders/catalogue.js'),
          import('../media/hardware.js'),
          import('../cluster/gpu-detect.js'),
        ]);
        const version = await ensureFfmpeg();
        const [inventory, gpus] = await Promise.all([
          detectEncoders(),
          detectGpus()
            .then((d) => d.gpus)
            .catch(() => []),
        ]);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ffmpeg: version.text, gpus, ...inventory }, null, 2)}\n`);
          return;
        }
        const lines = [
          `ffmpeg:    ${version.text}`,
          `gpus:      ${gpus.length ? gpus.map((g) => `${g.vendor} ${g.model}${g.vramMb ? ` (${g.vramMb} MiB)` : ''}`).join(', ') : 'none detected'}`,
          `hwaccels:  ${inventory.hwaccels.join(', ') || 'none'}`,
          'encoders:',
          ...ENCODERS.filter((e) => inventory.listed.includes(e.name)).map((e) => {
            const smoke = inventory.smoke.find((s) => s.encoder === e.name);
            const status = smoke?.ok ? `ok (${smoke.ms} ms)` : `unusable: ${smoke?.message ?? 'not tested'}`;
            return `  ${e.name.padEnd(18)} ${e.device.padEnd(7)} ${status}`;
          }),
          `usable:    ${inventory.proven.join(', ') || 'none'}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
