/**
 * The embedded engine's slots per device. A task holds `TaskSpec.slots` of its device (default 1,
 * never more than the device has, or it would never start); a slotless task (a stream copy, an
 * audio pass) holds none, but at most as many of those run at once as the device has slots, so a
 * queue of jobs does not start all of theirs together.
 */
export class SlotPool {
  private readonly free = new Map<string, number>();
  private readonly light = new Map<string, number>();

  constructor(private readonly slots: Partial<Record<string, number>>) {
    for (const [device, count] of Object.entries(slots)) this.free.set(device, count ?? 0);
  }

  /** The slots `wanted` takes on `device`, clamped to what it has. */
  held(device: string, wanted: number | undefined): number {
    return Math.max(0, Math.min(wanted ?? 1, this.slots[device] ?? 1));
  }

  /** Takes `held` slots (or a light lane when 0); false when they are not free now. */
  take(device: string, held: number): boolean {
    const free = this.free.get(device) ?? 0;
    if (free < held) return false;
    if (held === 0) {
      const light = this.light.get(device) ?? 0;
      if (light >= Math.max(1, this.slots[device] ?? 1)) return false;
      this.light.set(device, light + 1);
    }
    this.free.set(device, free - held);
    return true;
  }

  give(device: string, held: number): void {
    this.free.set(device, (this.free.get(device) ?? 0) + held);
    if (held === 0) this.light.set(device, Math.max(0, (this.light.get(device) ?? 1) - 1));
  }
}
