import type { V1Job } from '@kubernetes/client-node';

/** Where the deployment in deploy/k8s puts things; `framefleet k8s analyze` flags override each. */
export const K8S_DEFAULTS = {
  namespace: 'framefleet',
  image: 'ghcr.io/framefleet/framefleet:0.1.0',
  pvc: 'framefleet-data',
  configMap: 'framefleet-config',
  tokenSecret: 'framefleet-token',
  dataMount: '/data',
} as const;

export interface SceneJobOptions {
  name: string;
  namespace: string;
  image: string;
  pvc: string;
  configMap: string;
  tokenSecret: string;
  dataMount: string;
  /** The input as the pods see it (under dataMount). */
  input: string;
  shards: number;
  /** Folder (as the pods see it) each pod writes `shard-<index>.json` into. */
  partialsDir: string;
  /** Extra `analyze scenes` flags (--edges, --hwaccel cuda). */
  extraArgs?: readonly string[];
}

/** The file pod `index` writes. */
export function partialName(index: number | string): string {
  return `shard-${index}.json`;
}

/**
 * The Indexed Job of a sharded scene analysis: K pods, each measuring the shard its completion index
 * names (`analyze scenes --shard-count K` reads JOB_COMPLETION_INDEX) and writing a partial to the
 * shared volume; `framefleet k8s analyze` aggregates them. Pure, so tests validate what is sent.
 */
export function sceneShardJob(o: SceneJobOptions): V1Job {
  const labels = { 'app.kubernetes.io/part-of': 'framefleet', 'app.kubernetes.io/name': 'framefleet-scenes' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // Each pod may fail and be retried twice, whichever shard it is.
      backoffLimit: o.shards * 2,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: 'scenes',
              image: o.image,
              args: [
                ...['analyze', 'scenes', o.input, '--shard-count', String(o.shards)],
                // Kubernetes expands $(VAR) from the container's env: one file per index; -y for retries.
                ...['-o', `${o.partialsDir}/${partialName('$(JOB_COMPLETION_INDEX)')}`, '-y'],
                ...(o.extraArgs ?? []),
              ],
              env: [
                { name: 'FRAMEFLEET_CONFIG', value: '/etc/framefleet/framefleet.yaml' },
                {
                  name: 'JOB_COMPLETION_INDEX',
                  valueFrom: {
                    fieldRef: {
                      fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                    },
                  },
                },
              ],
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '4Gi' } },
              volumeMounts: [
                { name: 'config', mountPath: '/etc/framefleet', readOnly: true },
                { name: 'token', mountPath: '/var/run/secrets/framefleet', readOnly: true },
                { name: 'data', mountPath: o.dataMount },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: o.configMap } },
            { name: 'token', secret: { secretName: o.tokenSecret } },
            { name: 'data', persistentVolumeClaim: { claimName: o.pvc } },
          ],
        },
      },
    },
  };
}
