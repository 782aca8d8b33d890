import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { cliProblems } from '../helpers/deploy-commands.js';
import { kustomize, type K8sObject } from '../helpers/kustomize.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
};

/** Validates against the Kubernetes OpenAPI schema (kubernetes-models); the error names the field. */
export function validateObject(o: K8sObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  new Model(structuredClone(o) as never).validate();
}

const ROOTS = ['base', 'overlays/nvidia', 'overlays/amd', 'overlays/intel', 'overlays/s3'];
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const byKey = (objects: K8sObject[]) =>
  [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
type Pod = {
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  containers: {
    name: string;
    image: string;
    args?: string[];
    lifecycle?: { preStop?: unknown };
    resources?: { limits?: Record<string, unknown> };
  }[];
};
const pod = (o: K8sObject) => (o.spec as { template: { spec: Pod } }).template.spec;
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('deploy/k8s (kustomize)', () => {
  it('the schema check itself refuses a wrong field', () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two' },
    };
    expect(() => validateObject(bad as unknown as K8sObject)).toThrow(/replicas/);
  });

  it.each(ROOTS)('%s renders deterministically and every object validates', async (root) => {
    const dir = `deploy/k8s/${root}`;
    const objects = kustomize(dir);
    expect(kustomize(dir)).toEqual(objects);
    for (const o of objects) expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    for (const o of objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('framefleet');
    for (const o of objects.filter((o) => o.kind === 'Deployment')) {
      for (const c of pod(o).containers) {
        expect(await cliProblems(c.args ?? []), `${o.metadata.name}`).toEqual([]);
        // A worker's health port binds loopback unless told; the kubelet probes it by pod IP.
        const args = c.args ?? [];
        if (args[0] === 'worker' && args.includes('--port')) {
          expect(args[args.indexOf('--health-host') + 1], `${o.metadata.name} --health-host`).toBe('0.0.0.0');
        }
      }
    }
    if (kubectl) {
      const rendered = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      expect(rendered.status, rendered.stderr).toBe(0);
      const theirs = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as K8sObject);
      expect(byKey(objects)).toEqual(byKey(theirs));
    }
  });

  it('base: Redis with AOF and noeviction, RWX storage, the config every pod mounts, workers that drain', () => {
    const objects = kustomize('deploy/k8s/base');
    const redisArgs = pod(find(objects, 'StatefulSet', 'framefleet-redis')).containers[0]!.args!.join(' ');
    expect(redisArgs).toContain('--appendonly yes');
    expect(redisArgs).toContain('--maxmemory-policy noeviction');
    const pvc = find(objects, 'PersistentVolumeClaim', 'framefleet-data');
    expect((pvc.spec as { accessModes: string[] }).accessModes).toEqual(['ReadWriteMany']);
    const text = (find(objects, 'ConfigMap', 'framefleet-config').data as Record<string, string>)[
      'framefleet.yaml'
    ]!;
    expect(text).toBe(readFileSync('deploy/k8s/base/framefleet.yaml', 'utf8'));
    const config = configSchema.parse(parse(text));
    expect(config.mode).toBe('k8s');
    const worker = pod(find(objects, 'Deployment', 'framefleet-worker'));
    expect(worker.terminationGracePeriodSeconds).toBeGreaterThan(config.worker.graceSeconds);
    expect(worker.containers[0]!.lifecycle?.preStop).toBeDefined();
  });

  it.each([
    ['nvidia', 'nvidia.com/gpu', 'nvidia.com/gpu.present', /framefleet-nvidia:/],
    ['amd', 'amd.com/gpu', 'amd.com/gpu.present', /framefleet:/],
    ['intel', 'gpu.intel.com/i915', 'intel.feature.node.kubernetes.io/gpu', /framefleet:/],
  ])('overlay %s: a GPU worker asking for %s on matching nodes', (vendor, resource, label, image) => {
    const objects = kustomize(`deploy/k8s/overlays/${vendor}`);
    const gpu = pod(find(objects, 'Deployment', 'framefleet-worker-gpu'));
    expect(gpu.containers).toHaveLength(1);
    expect(gpu.containers[0]!.resources?.limits?.[resource]).toBe(1);
    expect(gpu.nodeSelector?.[label]).toBe('true');
    expect(gpu.containers[0]!.image).toMatch(image);
    expect(gpu.terminationGracePeriodSeconds).toBe(660);
    // The CPU workers are untouched by the GPU patch.
    expect(pod(find(objects, 'Deployment', 'framefleet-worker')).nodeSelector).toBeUndefined();
  });
});
