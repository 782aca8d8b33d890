import { slotClassOf } from '../engine/routing.js';

export type SlotClass = 'cpu' | 'gpu';

/**
 * Counts busy slots per class across all of a worker's queues (one BullMQ Worker per queue, each
 * could otherwise take its own full concurrency): GPU slots respect NVENC session limits.
 */
export class SlotPool {
  private readonly busy = new Map<SlotClass, number>();

  constructor(readonly sizes: Record<SlotClass, number>) {}

  tryAcquire(slot: SlotClass): boolean {
    const used = this.busy.get(slot) ?? 0;
    if (used >= this.sizes[slot]) return false;
    this.busy.set(slot, used + 1);
    return true;
  }

  release(slot: SlotClass): void {
    this.busy.set(slot, Math.max(0, (this.busy.get(slot) ?? 0) - 1));
  }

  used(slot: SlotClass): number {
    return this.busy.get(slot) ?? 0;
  }
}

/**
 * The slots a worker fills, as it registers them: GPU slots only while it consumes a GPU pool (a
 * worker without a GPU has none, whatever --gpu-slots says), so `nodes` and the fleet's slot count
 * are slots that can run a task. Pure.
 */
export function servedSlots(
  sizes: Record<SlotClass, number>,
  queueNames: readonly string[],
): Record<SlotClass, number> {
  const gpu = queueNames.some((name) => slotClassOf(name) === 'gpu');
  return { cpu: sizes.cpu, gpu: gpu ? sizes.gpu : 0 };
}
