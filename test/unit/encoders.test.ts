import { describe, expect, it } from 'vitest';
import { ENCODERS, encoderByName } from '../../src/media/encoders/catalogue.js';
import { qualityToScale } from '../../src/media/encoders/quality.js';
import { candidatesFor, parseHwaccelPolicy, selectEncoder } from '../../src/media/encoders/select.js';
import { parseEncoderList, parseHwaccelList, smokeArgs } from '../../src/media/hardware.js';

const settings = { quality: 70, preset: 'balanced' as const, gopFrames: 60 };

describe('encoder catalogue', () => {
  it.each([
    ['libx264', ['-preset', 'medium', '-crf', '23', '-x264-params', 'keyint=60:open_gop=0']],
    ['libx265', ['-preset', 'medium', '-crf', '28', '-x265-params', 'keyint=60:open-gop=0:log-level=error']],
    [
      'h264_nvenc',
      [
        '-preset',
        'p4',
        '-tune',
        'hq',
        '-rc',
        'vbr',
        '-cq',
        '25',
        '-b:v',
        '0',
        '-g',
        '60',
        '-forced-idr',
        '1',
      ],
    ],
    [
      'h264_qsv',
      ['-preset', 'medium', '-global_quality', '24', '-look_ahead', '0', '-g', '60', '-idr_interval', '0'],
    ],
    ['h264_amf', ['-quality', 'balanced', '-rc', 'cqp', '-qp_i', '23', '-qp_p', '23', '-g', '60']],
  ])('%s builds its arguments', (name, expected) => {
    expect(encoderByName(name)!.args(settings)).toEqual(expected);
  });

  it('maps presets onto each family', () => {
    const x264 = encoderByName('libx264')!;
    expect(x264.args({ ...settings, preset: 'fast' })).toContain('veryfast');
    expect(x264.args({ ...settings, preset: 'quality' })).toContain('slow');
    expect(encoderByName('hevc_nvenc')!.args({ ...settings, preset: 'quality' })).toContain('p7');
    expect(encoderByName('libsvtav1')!.args({ ...settings, preset: 'fast' })).toEqual(
      expect.arrayContaining(['-preset', '10']),
    );
  });

  it('vaapi sets up its device and uploads frames', () => {
    const vaapi = encoderByName('h264_vaapi')!;
    expect(vaapi.globalArgs()).toEqual(['-vaapi_device', '/dev/dri/renderD128']);
    expect(vaapi.uploadFilter).toBe('format=nv12,hwupload');
    expect(smokeArgs(vaapi)).toEqual(expect.arrayContaining(['-vf', 'format=yuv420p,format=nv12,hwupload']));
  });

  it.each([
    [70, 23],
    [100, 11],
    [1, 51],
    [50, 31],
  ])('quality %i is x264 CRF %i', (q, crf) => {
    expect(qualityToScale(q, 23, 0, 51)).toBe(crf);
  });

  it('has unique names', () => {
    expect(new Set(ENCODERS.map((e) => e.name)).size).toBe(ENCODERS.length);
  });
});

describe('selectEncoder', () => {
  const cpuOnly = ['libx264', 'libx265', 'libsvtav1'];
  const withNvenc = [...cpuOnly, 'h264_nvenc', 'hevc_nvenc'];
  const auto = { encoder: 'auto', codec: 'h264' as const, hwaccel: 'auto' as const };

  it('auto prefers a proven GPU encoder', () => {
    expect(selectEncoder(auto, withNvenc).encoder.name).toBe('h264_nvenc');
  });
  it('auto falls back to CPU and says why', () => {
    const choice = selectEncoder(auto, cpuOnly);
    expect(choice.encoder.name).toBe('libx264');
    expect(choice.reason).toMatch(/no GPU h264 encoder passed/);
  });
  it('FFMPEG_HWACCEL=none keeps auto on CPU', () => {
    expect(selectEncoder({ ...auto, hwaccel: 'none' }, withNvenc).encoder.name).toBe('libx264');
  });
  it('FFMPEG_HWACCEL=qsv does not pick nvenc', () => {
    expect(selectEncoder({ ...auto, hwaccel: 'qsv' }, withNvenc).encoder.name).toBe('libx264');
  });
  it('a family resolves by codec', () => {
    expect(selectEncoder({ ...auto, encoder: 'nvenc', codec: 'hevc' }, withNvenc).encoder.name).toBe(
      'hevc_nvenc',
    );
    expect(selectEncoder({ ...auto, encoder: 'cpu', codec: 'av1' }, cpuOnly).encoder.name).toBe('libsvtav1');
  });
  it('an exact name that did not pass its smoke test is refused', () => {
    expect(() => selectEncoder({ ...auto, encoder: 'h264_nvenc' }, cpuOnly)).toThrow(
      /`h264_nvenc` is not usable here/,
    );
  });
  it.each([
    {
      encoder: 'nvenc',
      codec: 'h264' as const,
      proven: ['libsvtav1', 'libx265', 'libx264'],
      first: 'libx264',
    },
    { encoder: 'hevc_vaapi', codec: 'hevc' as const, proven: ['libx264', 'libx265'], first: 'libx265' },
  ])('a refusal of $encoder names the usable encoders, $first first', ({ encoder, codec, proven, first }) => {
    const refusal = () => selectEncoder({ ...auto, encoder, codec }, proven);
    expect(refusal).toThrow(new RegExp(`usable here: ${first} \\(${codec}, cpu\\)`));
    for (const name of proven) expect(refusal).toThrow(new RegExp(name));
  });
  it('a refusal with nothing usable points at doctor', () => {
    expect(() => selectEncoder({ ...auto, encoder: 'nvenc' }, [])).toThrow(/framefleet doctor/);
  });
  it('an unknown name is refused with the value', () => {
    expect(() => selectEncoder({ ...auto, encoder: 'x999' }, cpuOnly)).toThrow(/unknown encoder `x999`/);
  });
  it('smoke-tests only what a request can resolve to', () => {
    expect(candidatesFor({ ...auto, hwaccel: 'none' })).toEqual(['libx264']);
    expect(candidatesFor({ ...auto, encoder: 'libx265' })).toEqual(['libx265', 'libx264', 'libsvtav1']);
    // An explicit GPU request also proves the CPU encoders, so its refusal can name them.
    expect(candidatesFor({ ...auto, encoder: 'nvenc' })).toEqual([
      'h264_nvenc',
      'libx264',
      'libx265',
      'libsvtav1',
    ]);
    expect(candidatesFor(auto)).toEqual(
      expect.arrayContaining(['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv']),
    );
  });
  it('parses FFMPEG_HWACCEL', () => {
    expect(parseHwaccelPolicy(undefined)).toBe('auto');
    expect(parseHwaccelPolicy('NVENC')).toBe('nvenc');
    expect(() => parseHwaccelPolicy('cuda9')).toThrow(/got `cuda9`/);
  });
});

describe('ffmpeg listings', () => {
  it('parses -encoders', () => {
    const text = ` V....D libx264              libx264 H.264\n A....D aac                  AAC\n V..... h264_qsv             H.264 QSV\n`;
    expect(parseEncoderList(text)).toEqual(['libx264', 'h264_qsv']);
  });
  it('parses -hwaccels', () => {
    expect(parseHwaccelList('Hardware acceleration methods:\nvdpau\ncuda\n\n')).toEqual(['vdpau', 'cuda']);
  });
});
