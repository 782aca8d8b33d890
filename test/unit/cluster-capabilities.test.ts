import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeclared, detectCapabilities, type Capabilities } from '../../src/cluster/capabilities.js';
import { loadCapabilityConfig, parseDeclaredCapabilities } from '../../src/cluster/capability-config.js';
import { detectGpus } from '../../src/cluster/gpu-detect.js';
import { queuesFor } from '../../src/engine/routing.js';
import type { ToolRunner } from '../../src/cluster/run-tool.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ff-caps-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lays out a fake /sys and /dev under a root: { 'sys/class/drm/card0/device/vendor': '0x8086' }. */
async function fakeRoot(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

/** Answers tool runs from captured output; a tool with no entry is "not installed". */
function tools(outputs: Record<string, string>): ToolRunner & { calls: string[] } {
  const calls: string[] = [];
  const run: ToolRunner = async (command, args) => {
    calls.push([command, ...args].join(' '));
    return outputs[command];
  };
  return Object.assign(run, { calls });
}

const INTEL_VAINFO = `vainfo: Driver version: Intel iHD driver for Intel(R) Gen Graphics - 24.1.0 ()
      VAProfileH264Main               :\tVAEntrypointVLD
      VAProfileH264Main               :\tVAEntrypointEncSliceLP
`;

describe('detectGpus', () => {
  it('combines nvidia-smi with an Intel iGPU found in /sys and named by vainfo', async () => {
    const root = await fakeRoot('nvidia-intel', {
      'sys/class/drm/card0/device/vendor': '0x8086\n',
      'sys/class/drm/card0/device/device': '0x4680\n',
      'sys/class/drm/card0-HDMI-A-1/status': 'connected',
      'sys/class/drm/card1/device/vendor': '0x10de\n',
      'sys/class/drm/card2/device/vendor': '0x1a03\n',
      'dev/dri/renderD128': '',
    });
    const run = tools({ 'nvidia-smi': '0, NVIDIA GeForce RTX 4090, 24564, 7\n', vainfo: INTEL_VAINFO });
    const found = await detectGpus({ run, sysRoot: root });
    expect(found.gpus).toEqual([
      { index: 0, vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMb: 24564, utilizationPct: 7 },
      {
        index: 0,
        vendor: 'intel',
        model: 'Intel iHD driver for Intel(R) Gen Graphics - 24.1.0 ()',
        vramMb: 0,
      },
    ]);
    expect(found.hwaccels).toEqual(['cuda', 'vaapi']);
    expect(run.calls).toContain(`vainfo --display drm --device ${path.join(root, 'dev/dri/renderD128')}`);
  });

  it('falls back to /sys for an AMD card without rocm-smi, with amdgpu VRAM', async () => {
    const root = await fakeRoot('amd', {
      'sys/class/drm/card1/device/vendor': '0x1002',
      'sys/class/drm/card1/device/device': '0x73bf',
      'sys/class/drm/card1/device/mem_info_vram_total': String(16 * 1024 ** 3),
    });
    const found = await detectGpus({ run: tools({}), sysRoot: root });
    expect(found).toEqual({
      gpus: [{ index: 1, vendor: 'amd', model: 'AMD GPU 0x73bf', vramMb: 16384 }],
      hwaccels: [],
    });
  });

  it('prefers rocm-smi over /sys for AMD', async () => {
    const root = await fakeRoot('amd-rocm', { 'sys/class/drm/card0/device/vendor': '0x1002' });
    const rocm = JSON.stringify({
      card0: { 'Card series': 'Radeon RX 7900 XTX', 'VRAM Total Memory (B)': '25753026560' },
    });
    const found = await detectGpus({ run: tools({ 'rocm-smi': rocm }), sysRoot: root });
    expect(found.gpus).toEqual([{ index: 0, vendor: 'amd', model: 'Radeon RX 7900 XTX', vramMb: 24560 }]);
  });

  it('finds nothing on a machine with no GPU and no tools', async () => {
    const found = await detectGpus({ run: tools({}), sysRoot: path.join(dir, 'empty') });
    expect(found).toEqual({ gpus: [], hwaccels: [] });
  });

  it('survives missing and hanging tools on the real machine within the timeout', async () => {
    const started = Date.now();
    const found = await detectGpus({ timeoutMs: 2000 });
    expect(Array.isArray(found.gpus)).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe('detectCapabilities', () => {
  it('reads this machine', async () => {
    const caps = await detectCapabilities({ workerId: 'w1', timeoutMs: 2000 });
    expect(caps.workerId).toBe('w1');
    expect(caps.hostname).toBe(os.hostname());
    expect(caps.cores).toBeGreaterThanOrEqual(1);
    expect(caps.cores).toBeLessThanOrEqual(os.availableParallelism());
    expect(caps.memoryMb).toBeGreaterThan(0);
    expect(caps.encoders).toEqual([]);
  });

  it('respects cgroup limits and declared capabilities, skipping probes when told to', async () => {
    const root = await fakeRoot('cgroup', {
      'sys/fs/cgroup/cpu.max': '100000 100000\n',
      'sys/fs/cgroup/memory.max': String(512 * 1024 * 1024),
      'sys/class/drm/card0/device/vendor': '0x10de',
    });
    const run = tools({ 'nvidia-smi': '0, Tesla T4, 15360, 0' });
    const caps = await detectCapabilities({
      sysRoot: root,
      run,
      declared: {
        detect: false,
        encoders: ['h264_nvenc'],
        features: ['proc:denoise'],
        labels: { pool: 'test' },
      },
    });
    expect(caps).toMatchObject({
      cores: 1,
      memoryMb: 512,
      gpus: [],
      encoders: ['h264_nvenc'],
      labels: { pool: 'test' },
    });
    expect(run.calls).toEqual([]);
    expect(caps.features).toEqual(['proc:denoise']);
    expect(queuesFor(caps)).toEqual(['ff.cpu', 'ff.cpu.proc-denoise']);
  });
});

describe('applyDeclared', () => {
  const detected: Capabilities = {
    hostname: 'box',
    cores: 16,
    memoryMb: 64000,
    gpus: [{ index: 0, vendor: 'nvidia', model: 'T4', vramMb: 15360 }],
    encoders: ['libx264', 'h264_nvenc', 'hevc_nvenc'],
    hwaccels: ['cuda'],
    labels: { zone: 'a', tier: 'x' },
  };

  it.each<[string, Parameters<typeof applyDeclared>[1], Partial<Capabilities>]>([
    ['nothing declared keeps detection', {}, detected],
    [
      'offer only h264_nvenc',
      { encoders: ['h264_nvenc'] },
      { encoders: ['h264_nvenc'], gpus: detected.gpus },
    ],
    [
      'scalars override',
      { cores: 4, memoryMb: 8000, hostname: 'n1', workerId: 'w', maxPixels: 2073600 },
      { cores: 4, memoryMb: 8000, hostname: 'n1', workerId: 'w', maxPixels: 2073600 },
    ],
    ['gpus replace', { gpus: [] }, { gpus: [] }],
    ['labels merge', { labels: { tier: 'y', pool: 'p' } }, { labels: { zone: 'a', tier: 'y', pool: 'p' } }],
  ])('%s', (_name, declared, expected) => {
    expect(applyDeclared(detected, declared)).toMatchObject(expected);
  });
});

describe('capability config', () => {
  it('accepts an object, filling GPU defaults', () => {
    expect(
      parseDeclaredCapabilities({ gpus: [{ index: 0, vendor: 'nvidia' }], encoders: ['h264_nvenc'] }),
    ).toEqual({
      gpus: [{ index: 0, vendor: 'nvidia', model: '', vramMb: 0 }],
      encoders: ['h264_nvenc'],
    });
  });

  it.each<[unknown, string]>([
    [{ cores: 0 }, '`cores`'],
    [{ encoders: ['h264 nvenc'] }, '`h264 nvenc`'],
    [{ gpus: [{ index: 0, vendor: 'matrox' }] }, '`matrox`'],
    [{ cpus: 4 }, 'cpus'],
    ['nvenc', '`nvenc`'],
  ])('rejects %j naming the problem', (input, message) => {
    expect(() => parseDeclaredCapabilities(input, 'worker config')).toThrow(message);
    expect(() => parseDeclaredCapabilities(input, 'worker config')).toThrow('invalid worker config');
  });

  it('loads YAML and JSON files', async () => {
    const yamlFile = path.join(dir, 'caps.yaml');
    await writeFile(yamlFile, 'encoders: [h264_nvenc]\ndetect: false\nlabels:\n  pool: nvenc-only\n');
    expect(await loadCapabilityConfig(yamlFile)).toEqual({
      encoders: ['h264_nvenc'],
      detect: false,
      labels: { pool: 'nvenc-only' },
    });
    const jsonFile = path.join(dir, 'caps.json');
    await writeFile(jsonFile, JSON.stringify({ cores: 2, hwaccels: ['cuda'] }));
    expect(await loadCapabilityConfig(jsonFile)).toEqual({ cores: 2, hwaccels: ['cuda'] });
  });

  it('names the file when it is missing, unparsable or invalid', async () => {
    await expect(loadCapabilityConfig(path.join(dir, 'nope.yaml'))).rejects.toThrow('nope.yaml');
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'encoders: [h264_nvenc\n');
    await expect(loadCapabilityConfig(bad)).rejects.toThrow(/bad\.yaml.*not YAML/);
    const invalid = path.join(dir, 'invalid.yaml');
    await writeFile(invalid, 'memoryMb: lots\n');
    await expect(loadCapabilityConfig(invalid)).rejects.toThrow(/invalid\.yaml.*`memoryMb`.*`lots`/);
  });
});
