import { describe, expect, it } from 'vitest';
import { servedSlots } from '../../src/worker/slot-pool.js';

describe('servedSlots', () => {
  it.each([
    { name: 'CPU pools only: no GPU slots', queues: ['ff.control', 'ff.cpu'], slots: { cpu: 2, gpu: 0 } },
    { name: 'a routed CPU pool', queues: ['ff.control', 'ff.cpu.proc-upscale'], slots: { cpu: 2, gpu: 0 } },
    { name: 'an NVIDIA pool', queues: ['ff.control', 'ff.cpu', 'ff.nvidia'], slots: { cpu: 2, gpu: 4 } },
    { name: 'nothing consumed yet', queues: [], slots: { cpu: 2, gpu: 0 } },
  ])('$name', ({ queues, slots }) => {
    expect(servedSlots({ cpu: 2, gpu: 4 }, queues)).toEqual(slots);
  });
});
