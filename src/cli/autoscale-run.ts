import { existsSync } from 'node:fs';
import { KubeScaler, type PoolDecision, type ScaleAction } from '../cluster/k8s-scaler.js';
import { FramefleetError, show } from '../errors.js';
import type { NodeInfo } from '../runtime/fleet-view.js';
import type { AutoscaleFlags } from './autoscale.js';

/** `framefleet autoscale`: every --interval, the server's decisions applied to the Deployments. */
export async function autoscaleCommand(flags: AutoscaleFlags): Promise<void> {
  if (!existsSync(flags.kubeconfig)) {
    throw new FramefleetError('INVALID_ARGUMENT', `kubeconfig ${show(flags.kubeconfig)} does not exist`);
  }
  let base: URL;
  try {
    base = new URL(flags.server);
  } catch {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected --server to be an http(s) URL, got ${show(flags.server)}`,
    );
  }
  const scaler = KubeScaler.fromFile(flags.kubeconfig, flags.namespace);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      try {
        for (const a of await pass(base, scaler)) report(a, flags.json);
      } catch (error) {
        if (flags.once) throw error;
        process.stderr.write(
          `framefleet autoscale: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
      if (flags.once || stop.signal.aborted) return;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, flags.interval * 1000);
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), {
          once: true,
        });
      });
      if (stop.signal.aborted) return;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function pass(base: URL, scaler: KubeScaler): Promise<ScaleAction[]> {
  const [{ pools }, { nodes }] = await Promise.all([
    get<{ pools: PoolDecision[] }>(base, '/v1/scaling/pools'),
    get<{ nodes: NodeInfo[] }>(base, '/v1/nodes'),
  ]);
  // A pod's workers report its hostname: the pod name.
  const busy = new Map<string, number>();
  for (const node of nodes) {
    if (node.live) busy.set(node.hostname, (busy.get(node.hostname) ?? 0) + node.tasks.length);
  }
  return scaler.reconcile(pools, (pod) => busy.get(pod) ?? 0);
}

async function get<T>(base: URL, path: string): Promise<T> {
  const token = process.env.FRAMEFLEET_API_TOKEN;
  const url = new URL(path, base);
  let response: Response;
  try {
    response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  } catch (cause) {
    throw new FramefleetError('BACKEND_UNAVAILABLE', `server ${show(base.href)} is not reachable`, { cause });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new FramefleetError(
      'BACKEND_UNAVAILABLE',
      `GET ${url.pathname} answered ${response.status}${body.error?.message ? `: ${body.error.message}` : ''}`,
    );
  }
  return (await response.json()) as T;
}

function report(a: ScaleAction, json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'scale', ...a })}\n`);
    return;
  }
  const idle = Object.entries(a.deletionCosts).filter(([, c]) => c === 0).length;
  const note = a.to < a.from ? ` (${idle} idle pod${idle === 1 ? '' : 's'} marked to go first)` : '';
  process.stdout.write(`deployment ${a.deployment} ${a.from} -> ${a.to}${note}; ${a.reason}\n`);
}
