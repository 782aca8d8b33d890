import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../src/cluster/capabilities.js';
import { GpuAssigner, pinFor } from '../../src/engine/gpu-pin.js';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { segmentArgs } from '../../src/media/segment-args.js';

const gpu = (index: number, vendor: GpuInfo['vendor']): GpuInfo => ({
  index,
  vendor,
  model: 'test',
  vramMb: 8000,
});

describe('GPU pinning', () => {
  it('pins NVIDIA by CUDA_VISIBLE_DEVICES and VAAPI/QSV cards by render node', () => {
    expect(pinFor(gpu(3, 'nvidia'))).toMatchObject({
      env: { CUDA_VISIBLE_DEVICES: '3' },
      renderNode: undefined,
    });
    expect(pinFor(gpu(1, 'intel'))).toMatchObject({ env: {}, renderNode: '/dev/dri/renderD129' });
    expect(pinFor(gpu(0, 'amd')).renderNode).toBe('/dev/dri/renderD128');
  });

  it('spreads tasks over devices, least busy first, and frees a device when its task ends', () => {
    const gpus = new GpuAssigner([gpu(0, 'nvidia'), gpu(1, 'nvidia')]);
    const a = gpus.take();
    const b = gpus.take();
    const c = gpus.take();
    expect([a, b, c].map((p) => p?.gpu.index)).toEqual([0, 1, 0]);
    expect(gpus.loads()).toEqual({ 0: 2, 1: 1 });
    gpus.give(b);
    expect(gpus.take()?.env).toEqual({ CUDA_VISIBLE_DEVICES: '1' });
    expect(new GpuAssigner([]).take()).toBeUndefined();
  });

  it.each([
    ['h264_vaapi', ['-vaapi_device', '/dev/dri/renderD129']],
    ['h264_qsv', ['-qsv_device', '/dev/dri/renderD129']],
  ])('puts the pinned render node into %s segment encodes', (name, expected) => {
    const args = segmentArgs({
      input: 'in.mp4',
      start: 0,
      end: 30,
      rate: { num: 30, den: 1 },
      videoOffsetSec: 0,
      normaliseVfr: false,
      encoder: encoderByName(name)!,
      settings: { quality: 70, preset: 'balanced', gopFrames: 60 },
      output: 'out.mp4',
      renderNode: pinFor(gpu(1, 'intel')).renderNode,
    });
    expect(args.slice(0, 2)).toEqual(expected);
  });
});
