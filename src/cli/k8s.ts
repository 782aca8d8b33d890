import type { Command } from 'commander';
import { MAX_SHARDS } from '../analysis/scenes/shard-plan.js';
import { action, intOption, numberOption, outputOptions } from './common.js';
import { K8S_DEFAULTS } from './k8s-job.js';

export interface K8sAnalyzeFlags {
  shards: number;
  output?: string;
  overwrite?: boolean;
  json?: boolean;
  namespace: string;
  image: string;
  pvc: string;
  configMap: string;
  tokenSecret: string;
  dataMount: string;
  localData?: string;
  timeoutMinutes: number;
  keepJob?: boolean;
  edges?: boolean;
}

/** `framefleet k8s analyze IN --shards K`: scene analysis as a Kubernetes Indexed Job, then aggregated here. */
export function registerK8s(program: Command): void {
  const k8s = program
    .command('k8s')
    .description('run work as Kubernetes Jobs (kubeconfig: $KUBECONFIG, ~/.kube/config or in-cluster)');
  outputOptions(
    k8s
      .command('analyze')
      .description(
        'scene cuts with K pods of an Indexed Job (one shard each), aggregated into one result here',
      )
      .argument(
        '<input>',
        `video on the shared volume, as the pods see it (under --data-mount, default ${K8S_DEFAULTS.dataMount})`,
      ),
    'write the JSON result here',
    false,
  )
    .requiredOption(
      '--shards <k>',
      `pods, one shard each (1-${MAX_SHARDS})`,
      intOption('--shards', 1, MAX_SHARDS),
    )
    .option('--json', 'print the result as JSON on stdout instead of a summary')
    .option('--namespace <ns>', 'namespace of the deployment', K8S_DEFAULTS.namespace)
    .option('--image <image>', 'framefleet image the pods run', K8S_DEFAULTS.image)
    .option('--pvc <name>', 'the ReadWriteMany claim holding inputs and partials', K8S_DEFAULTS.pvc)
    .option('--config-map <name>', 'ConfigMap with framefleet.yaml', K8S_DEFAULTS.configMap)
    .option(
      '--token-secret <name>',
      'Secret with the API token file framefleet.yaml names',
      K8S_DEFAULTS.tokenSecret,
    )
    .option('--data-mount <dir>', 'where the pods mount the claim', K8S_DEFAULTS.dataMount)
    .option('--local-data <dir>', 'where the same volume is mounted here (default: --data-mount)')
    .option(
      '--timeout-minutes <m>',
      'give up waiting after this long',
      numberOption('--timeout-minutes', 0.1, 10_080),
      120,
    )
    .option('--keep-job', 'leave the finished Job and its partials (default: delete both)')
    .option('--edges', 'score edge changes too')
    .action(
      action(async (input: string, flags: K8sAnalyzeFlags) => {
        const { k8sAnalyzeCommand } = await import('./k8s-run.js');
        await k8sAnalyzeCommand(input, flags);
      }),
    );
}
