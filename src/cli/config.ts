import type { Command } from 'commander';
import { action } from './common.js';

/** `framefleet config check|print`: the framefleet.yaml every command reads, validated or shown. */
export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description(
      'check or print framefleet.yaml (found by --config, $FRAMEFLEET_CONFIG or ./framefleet.yaml)',
    );
  config
    .command('check')
    .description('validate the config; exit 2 naming the field and the value when it is wrong')
    .option('--connect', 'also check that Redis answers (modes redis, k8s and auto)')
    .action(
      action(async (flags: { connect?: boolean }) => {
        const { configCheck } = await import('./config-run.js');
        await configCheck(flags);
      }),
    );
  config
    .command('print')
    .description('the effective config (file, FRAMEFLEET_* overrides, defaults) with secrets masked')
    .option('--json', 'JSON instead of YAML')
    .action(
      action(async (flags: { json?: boolean }) => {
        const { configPrint } = await import('./config-run.js');
        configPrint(flags);
      }),
    );
}
