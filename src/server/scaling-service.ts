import { jobCostByPool, type PoolJobCost, type PricedPool } from '../cluster/cost-pools.js';
import { decideScaling, type PoolState, type ScalingDecision } from '../cluster/scaling-policy.js';
import { ScalingSignals } from '../cluster/scaling-signals.js';
import { deploymentOf, type PoolConfig } from '../config/pools.js';
import type { Backend, JobRecord } from '../engine/types.js';

/**
 * The server's side of autoscaling: the configured pools, the signals learned from the backend's
 * events, and the policy's memory between reads. KEDA (or `framefleet autoscale`) reads its
 * decisions; it assumes they are applied, so "replicas now" is its last decision.
 */
export class ScalingService {
  readonly pools: readonly PoolConfig[];
  readonly priced: readonly PricedPool[];
  private readonly signals = new ScalingSignals();
  private readonly states: Record<string, PoolState> = {};
  private readonly unsubscribe: () => void;
  private last: { at: number; decisions: Promise<ScalingDecision[]> } | undefined;

  constructor(
    private readonly backend: Backend,
    pools: readonly PoolConfig[],
    private readonly clock: () => number = Date.now,
  ) {
    this.pools = pools;
    this.priced = pools.map((p) => ({ ...p, deployment: deploymentOf(p) }));
    this.unsubscribe = backend.subscribe((event) => this.signals.observe(event));
  }

  /** One decision per pool; reads within a second share one (KEDA polls each pool separately). */
  decide(): Promise<ScalingDecision[]> {
    const now = this.clock();
    if (this.last && now - this.last.at < 1000) return this.last.decisions;
    const decisions = this.backend.stats().then(({ pools }) => {
      const result = decideScaling(this.pools, this.signals.signals(pools, now), this.states, now / 1000);
      for (const d of result) this.states[d.pool] = d.state;
      return result;
    });
    this.last = { at: now, decisions };
    decisions.catch(() => (this.last = undefined));
    return decisions;
  }

  /** A job's cost from its runs and the pools' prices; undefined without pools. */
  costOf(job: JobRecord): PoolJobCost | undefined {
    return this.pools.length > 0 ? jobCostByPool(job.tasks, this.priced) : undefined;
  }

  close(): void {
    this.unsubscribe();
  }
}
