import { describe, expect, it } from 'vitest';
import { presentSlots } from '../../src/runtime/fleet-view.js';

const configured = { cpu: 4, nvidia: 2, amd: 2, intel: 2, apple: 2 };
const gpu = (vendor: 'nvidia' | 'amd' | 'intel' | 'apple') => ({ index: 0, vendor, model: 'x', vramMb: 0 });

describe('presentSlots', () => {
  it.each([
    { name: 'no GPU, CPU encoders', caps: { gpus: [], encoders: ['libx264'] }, slots: { cpu: 4 } },
    { name: 'capabilities not known yet', caps: undefined, slots: { cpu: 4 } },
    { name: 'an NVIDIA card', caps: { gpus: [gpu('nvidia')], encoders: [] }, slots: { cpu: 4, nvidia: 2 } },
    {
      name: 'an Intel encoder that passed its smoke test',
      caps: { gpus: [], encoders: ['libx264', 'h264_qsv'] },
      slots: { cpu: 4, intel: 2 },
    },
  ])('$name', ({ caps, slots }) => {
    expect(presentSlots(configured, caps)).toEqual(slots);
  });
});
