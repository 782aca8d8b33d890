import type { DeviceClass } from './capabilities.js';

/** What the fleet (or the one machine of the embedded engine) can run, as a planner sees it. */
export interface FleetCapabilities {
  /** Encoders proven by a smoke test on at least one live worker. */
  encoders: string[];
  hwaccels: string[];
  /** Every other feature some live worker offers (`proc:upscale`). */
  features?: string[];
  devices: DeviceClass[];
  /** Encode slots that can run at once (fleet-wide); the default fan-out scales with it. */
  slots: number;
  /** CPU cores of the one machine that runs every task (the embedded engine); absent on a fleet. */
  machineCores?: number;
  /** On that machine, CPU tasks at once as the user fixed them (`--workers`); absent: the planner chooses. */
  fixedSlots?: boolean;
  /** That machine measured two x264 encodes at once faster at 1080p (`framefleet calibrate`). */
  measuredPairs?: boolean;
}
