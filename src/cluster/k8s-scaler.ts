import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Scale,
} from '@kubernetes/client-node';

/** A pool as the server lists it at GET /v1/scaling/pools. */
export interface PoolDecision {
  name: string;
  deployment: string;
  namespace?: string;
  desiredReplicas: number;
  reason: string;
}

export interface ScaleAction {
  pool: string;
  deployment: string;
  from: number;
  to: number;
  reason: string;
  /** Pod -> the pod-deletion-cost written before a scale-in (busy pods cost more to delete). */
  deletionCosts: Record<string, number>;
}

/** The annotation the ReplicaSet controller reads to pick which pods go first on scale-in. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/**
 * Applies the server's decisions to Kubernetes Deployments through their scale subresource.
 * Before a scale-in each pod is annotated with a deletion cost of its running tasks (x1000, so an
 * idle pod costs 0 and goes first); the workers of the pods that do go drain on SIGTERM.
 */
export class KubeScaler {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;

  constructor(
    kubeconfig: KubeConfig,
    private readonly defaultNamespace: string,
  ) {
    this.apps = kubeconfig.makeApiClient(AppsV1Api);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  static fromFile(file: string, namespace?: string): KubeScaler {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    return new KubeScaler(
      kc,
      namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default',
    );
  }

  /** One pass: read each Deployment's scale, annotate before scale-in, write the new count. */
  async reconcile(
    decisions: readonly PoolDecision[],
    busyByPod: (pod: string) => number,
  ): Promise<ScaleAction[]> {
    const actions: ScaleAction[] = [];
    for (const d of decisions) {
      const namespace = d.namespace ?? this.defaultNamespace;
      const scale = await this.apps.readNamespacedDeploymentScale({ name: d.deployment, namespace });
      const from = scale.spec?.replicas ?? 0;
      if (from === d.desiredReplicas) continue;
      const deletionCosts =
        from > d.desiredReplicas ? await this.markBusy(d.deployment, namespace, busyByPod) : {};
      const body: V1Scale = { ...scale, spec: { ...scale.spec, replicas: d.desiredReplicas } };
      await this.apps.replaceNamespacedDeploymentScale({ name: d.deployment, namespace, body });
      actions.push({
        pool: d.name,
        deployment: d.deployment,
        from,
        to: d.desiredReplicas,
        reason: d.reason,
        deletionCosts,
      });
    }
    return actions;
  }

  private async markBusy(
    deployment: string,
    namespace: string,
    busyByPod: (pod: string) => number,
  ): Promise<Record<string, number>> {
    const dep = await this.apps.readNamespacedDeployment({ name: deployment, namespace });
    const labels = dep.spec?.selector?.matchLabels ?? {};
    const labelSelector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await this.core.listNamespacedPod({ namespace, labelSelector });
    const costs: Record<string, number> = {};
    for (const pod of pods.items) {
      const name = pod.metadata?.name;
      if (!name) continue;
      const cost = Math.min(2_000_000_000, busyByPod(name) * 1000);
      costs[name] = cost;
      if (pod.metadata?.annotations?.[POD_DELETION_COST] === String(cost)) continue;
      await this.core.patchNamespacedPod(
        { name, namespace, body: { metadata: { annotations: { [POD_DELETION_COST]: String(cost) } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    return costs;
  }
}
