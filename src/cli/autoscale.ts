import type { Command } from 'commander';
import { action, numberOption } from './common.js';

export interface AutoscaleFlags {
  kubeconfig: string;
  server: string;
  namespace?: string;
  interval: number;
  once?: boolean;
  json?: boolean;
}

export function registerAutoscale(program: Command): void {
  program
    .command('autoscale')
    .description(
      "scale worker Deployments to the server's pool decisions (where KEDA is absent); idle pods go first",
    )
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster that runs the workers')
    .option(
      '--server <url>',
      'the framefleet server (token from FRAMEFLEET_API_TOKEN)',
      'http://127.0.0.1:8080',
    )
    .option('--namespace <ns>', "namespace of pools that name none (default: the kubeconfig context's)")
    .option('--interval <s>', 'seconds between passes', numberOption('--interval', 1, 3600), 15)
    .option('--once', 'one pass, then exit')
    .option('--json', 'one JSON line per action')
    .action(
      action(async (flags: AutoscaleFlags) => {
        const { autoscaleCommand } = await import('./autoscale-run.js');
        await autoscaleCommand(flags);
      }),
    );
}
