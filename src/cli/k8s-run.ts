import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { BatchV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { FramefleetError, show } from '../errors.js';
import { analyzeCommand } from './analyze-run.js';
import { partialName, sceneShardJob } from './k8s-job.js';
import type { K8sAnalyzeFlags } from './k8s.js';

/**
 * Creates the Indexed Job through the Kubernetes API, waits for every index to succeed, then
 * aggregates the partials the pods wrote to the shared volume (read here through --local-data).
 */
export async function k8sAnalyzeCommand(input: string, flags: K8sAnalyzeFlags): Promise<void> {
  const mount = posix.normalize(flags.dataMount);
  const local = resolve(flags.localData ?? flags.dataMount);
  const inside = posix.relative(mount, posix.normalize(input));
  if (!posix.isAbsolute(input) || inside.startsWith('..') || inside === '') {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `the input must be a path under --data-mount ${show(mount)} (the shared volume as the pods see it), got ${show(input)}`,
    );
  }
  const here = join(local, inside);
  if (
    !(await stat(here).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw new FramefleetError(
      'INPUT_NOT_FOUND',
      `input ${show(input)} is not on the shared volume (looked at ${show(here)})`,
    );
  }
  const name = `ff-scenes-${randomBytes(4).toString('hex')}`;
  const partialsInside = posix.join('scratch', 'k8s', name);
  const partialsHere = join(local, partialsInside);
  await mkdir(partialsHere, { recursive: true });
  const body = sceneShardJob({
    ...flags,
    name,
    input: posix.normalize(input),
    partialsDir: posix.join(mount, partialsInside),
    extraArgs: flags.edges ? ['--edges'] : [],
  });
  const api = client();
  const namespace = flags.namespace;
  try {
    await api.createNamespacedJob({ namespace, body }).catch((cause: unknown) => {
      throw apiError(`cannot create Job ${show(name)} in namespace ${show(namespace)}`, cause);
    });
    if (!flags.json) process.stderr.write(`framefleet: Job ${namespace}/${name}: ${flags.shards} pods\n`);
    await waitFor(api, name, namespace, flags.shards, flags.timeoutMinutes * 60_000);
    const partials = Array.from({ length: flags.shards }, (_, i) => join(partialsHere, partialName(i)));
    await analyzeCommand('scenes', partials, {
      aggregate: true,
      output: flags.output,
      overwrite: flags.overwrite,
      json: flags.json,
      hwaccel: 'none',
    });
  } finally {
    if (!flags.keepJob) {
      await api
        .deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })
        .catch(() => undefined);
      await rm(partialsHere, { recursive: true, force: true });
    }
  }
}

function client(): BatchV1Api {
  const config = new KubeConfig();
  try {
    config.loadFromDefault();
  } catch (cause) {
    throw apiError('cannot read the kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)', cause);
  }
  if (!config.getCurrentCluster()) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      'no Kubernetes cluster: set KUBECONFIG or run inside a pod',
    );
  }
  return config.makeApiClient(BatchV1Api);
}

async function waitFor(
  api: BatchV1Api,
  name: string,
  namespace: string,
  shards: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job: V1Job = await api.readNamespacedJobStatus({ name, namespace }).catch((cause: unknown) => {
      throw apiError(`cannot read Job ${show(name)}`, cause);
    });
    const status = job.status ?? {};
    const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) {
      throw new FramefleetError(
        'INTERNAL',
        `Job ${namespace}/${name} failed (${failed.reason ?? 'no reason'}: ${failed.message ?? ''}); see \`kubectl -n ${namespace} logs job/${name}\``,
      );
    }
    if ((status.succeeded ?? 0) >= shards) return;
    if (Date.now() > deadline) {
      throw new FramefleetError(
        'INTERNAL',
        `Job ${namespace}/${name} did not finish in time: ${status.succeeded ?? 0} of ${shards} shards done`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** One line from a client error: the API's own message when it sent a Status, else the cause. */
function apiError(what: string, cause: unknown): FramefleetError {
  const body = (cause as { body?: unknown }).body;
  let reason = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
  if (typeof body === 'string') {
    try {
      reason = (JSON.parse(body) as { message?: string }).message ?? reason;
    } catch {
      // not JSON: keep the client's message
    }
  }
  return new FramefleetError('BACKEND_UNAVAILABLE', `${what}: ${reason}`, { cause });
}
