import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi } from '../../src/cluster/parse-nvidia-smi.js';
import { parseRocmSmi } from '../../src/cluster/parse-rocm-smi.js';
import {
  coresFromCpuMax,
  coresFromQuota,
  drmCardIndex,
  memoryMbFromLimit,
  vendorFromPciId,
} from '../../src/cluster/parse-sysfs.js';
import { parseVainfo } from '../../src/cluster/parse-vainfo.js';

describe('parseNvidiaSmi', () => {
  it('reads one GPU per line, including names with commas and unreadable values', () => {
    const text = [
      '0, NVIDIA GeForce RTX 3090, 24576, 3',
      '1, Tesla T4, 15360, [N/A]',
      '2, NVIDIA A100-SXM4-80GB, 81920, 100',
      '3, Quadro RTX 4000, With Max-Q, [Not Supported], 0',
      '',
    ].join('\n');
    expect(parseNvidiaSmi(text)).toEqual([
      { index: 0, vendor: 'nvidia', model: 'NVIDIA GeForce RTX 3090', vramMb: 24576, utilizationPct: 3 },
      { index: 1, vendor: 'nvidia', model: 'Tesla T4', vramMb: 15360 },
      { index: 2, vendor: 'nvidia', model: 'NVIDIA A100-SXM4-80GB', vramMb: 81920, utilizationPct: 100 },
      { index: 3, vendor: 'nvidia', model: 'Quadro RTX 4000, With Max-Q', vramMb: 0, utilizationPct: 0 },
    ]);
  });

  it.each([
    ['', []],
    ['NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.', []],
    ['No devices were found', []],
    ['x, name, 1, 2', []],
  ])('returns nothing for %j', (text, expected) => {
    expect(parseNvidiaSmi(text)).toEqual(expected);
  });
});

describe('parseRocmSmi', () => {
  it('reads ROCm 5 field names', () => {
    const text = JSON.stringify({
      card0: {
        'Card series': 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]',
        'Card model': '0x73bf',
        'Card vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
        'Card SKU': 'D4120100',
        'VRAM Total Memory (B)': '17163091968',
        'VRAM Total Used Memory (B)': '1021145088',
      },
    });
    expect(parseRocmSmi(text)).toEqual([
      { index: 0, vendor: 'amd', model: 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]', vramMb: 16368 },
    ]);
  });

  it('reads ROCm 6 field names after a warning, several cards, in index order', () => {
    const card = (series: string, bytes: string) => ({
      'Card Series': series,
      'Card Model': '0x740f',
      'Card Vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
      'GFX Version': 'gfx90a',
      'VRAM Total Memory (B)': bytes,
    });
    const text =
      'WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status\n\n' +
      JSON.stringify({
        card1: card('AMD Instinct MI210', '68702699520'),
        card0: card('N/A', 'N/A'),
        system: {},
      });
    expect(parseRocmSmi(text)).toEqual([
      { index: 0, vendor: 'amd', model: '0x740f', vramMb: 0 },
      { index: 1, vendor: 'amd', model: 'AMD Instinct MI210', vramMb: 65520 },
    ]);
  });

  it.each(['', 'command not found', '{ not json', '[]', '{"card0": "x"}'])(
    'returns nothing for %j',
    (text) => {
      expect(parseRocmSmi(text)).toEqual([]);
    },
  );
});

const INTEL_VAINFO = `libva info: VA-API version 1.20.0
libva info: Trying to open /usr/lib/x86_64-linux-gnu/dri/iHD_drv_video.so
libva info: va_openDriver() returns 0
vainfo: VA-API version: 1.20 (libva 2.12.0)
vainfo: Driver version: Intel iHD driver for Intel(R) Gen Graphics - 24.1.0 ()
vainfo: Supported profile and entrypoints
      VAProfileNone                   :\tVAEntrypointVideoProc
      VAProfileMPEG2Simple            :\tVAEntrypointVLD
      VAProfileH264Main               :\tVAEntrypointVLD
      VAProfileH264Main               :\tVAEntrypointEncSliceLP
      VAProfileH264High               :\tVAEntrypointVLD
      VAProfileH264High               :\tVAEntrypointEncSliceLP
      VAProfileHEVCMain               :\tVAEntrypointVLD
      VAProfileHEVCMain               :\tVAEntrypointEncSliceLP
      VAProfileJPEGBaseline           :\tVAEntrypointEncPicture
`;

const AMD_VAINFO = `vainfo: VA-API version: 1.14 (libva 2.12.0)
vainfo: Driver version: Mesa Gallium driver 23.2.1 for AMD Radeon RX 6800 XT (navi21, LLVM 15.0.7, DRM 3.54)
vainfo: Supported profile and entrypoints
      VAProfileH264High               : VAEntrypointVLD
      VAProfileH264High               : VAEntrypointEncSlice
      VAProfileAV1Profile0            : VAEntrypointVLD
`;

describe('parseVainfo', () => {
  it('reads an Intel iHD report', () => {
    expect(parseVainfo(INTEL_VAINFO)).toEqual({
      driver: 'Intel iHD driver for Intel(R) Gen Graphics - 24.1.0 ()',
      vendor: 'intel',
      decodeProfiles: ['VAProfileH264High', 'VAProfileH264Main', 'VAProfileHEVCMain', 'VAProfileMPEG2Simple'],
      encodeProfiles: [
        'VAProfileH264High',
        'VAProfileH264Main',
        'VAProfileHEVCMain',
        'VAProfileJPEGBaseline',
      ],
    });
  });

  it('reads a Mesa/AMD report', () => {
    expect(parseVainfo(AMD_VAINFO)).toMatchObject({
      vendor: 'amd',
      decodeProfiles: ['VAProfileAV1Profile0', 'VAProfileH264High'],
      encodeProfiles: ['VAProfileH264High'],
    });
  });

  it('tolerates a failed run', () => {
    expect(parseVainfo('error: failed to initialize display')).toEqual({
      driver: undefined,
      vendor: undefined,
      decodeProfiles: [],
      encodeProfiles: [],
    });
  });
});

describe('sysfs and cgroup parsers', () => {
  it.each([
    ['0x10de\n', 'nvidia'],
    ['0x1002', 'amd'],
    ['0x8086\n', 'intel'],
    ['0X10DE', 'nvidia'],
    ['0x1a03', undefined], // ASPEED BMC
    ['0x1234', undefined], // QEMU VGA
    ['', undefined],
  ])('vendorFromPciId(%j) = %s', (text, vendor) => {
    expect(vendorFromPciId(text)).toBe(vendor);
  });

  it.each([
    ['card0', 0],
    ['card12', 12],
    ['card0-HDMI-A-1', undefined],
    ['renderD128', undefined],
    ['version', undefined],
  ])('drmCardIndex(%j) = %s', (name, index) => {
    expect(drmCardIndex(name)).toBe(index);
  });

  it.each([
    ['200000 100000\n', 2],
    ['150000 100000', 2],
    ['50000 100000', 1],
    ['max 100000', undefined],
    ['', undefined],
  ])('coresFromCpuMax(%j) = %s', (text, cores) => {
    expect(coresFromCpuMax(text)).toBe(cores);
  });

  it.each([
    [400000, 100000, 4],
    [-1, 100000, undefined],
    [Number.NaN, Number.NaN, undefined],
  ])('coresFromQuota(%s, %s) = %s', (quota, period, cores) => {
    expect(coresFromQuota(quota, period)).toBe(cores);
  });

  it.each([
    ['4294967296\n', 4096],
    ['max\n', undefined],
    ['9223372036854771712', undefined],
    ['', undefined],
  ])('memoryMbFromLimit(%j) = %s', (text, mb) => {
    expect(memoryMbFromLimit(text)).toBe(mb);
  });
});
