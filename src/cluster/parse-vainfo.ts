import type { GpuVendor } from './capabilities.js';

export interface VainfoReport {
  /** "Intel iHD driver for Intel(R) Gen Graphics - 23.1.1 ()" */
  driver: string | undefined;
  vendor: GpuVendor | undefined;
  /** Profiles with a decode entrypoint (VAEntrypointVLD), e.g. VAProfileH264High. */
  decodeProfiles: string[];
  /** Profiles with an encode entrypoint (VAEntrypointEncSlice / EncSliceLP / EncPicture). */
  encodeProfiles: string[];
}

/** Parses `vainfo` output: the driver line and the "VAProfileX : VAEntrypointY" table. */
export function parseVainfo(text: string): VainfoReport {
  const driver = /Driver version:\s*(.+)$/m.exec(text)?.[1]?.trim();
  const decode = new Set<string>();
  const encode = new Set<string>();
  for (const match of text.matchAll(/^\s*(VAProfile\w+)\s*:\s*(VAEntrypoint\w+)/gm)) {
    const [, profile = '', entrypoint = ''] = match;
    if (profile === 'VAProfileNone') continue;
    if (entrypoint === 'VAEntrypointVLD') decode.add(profile);
    else if (entrypoint.startsWith('VAEntrypointEnc')) encode.add(profile);
  }
  return {
    driver,
    vendor: vendorOfDriver(driver),
    decodeProfiles: [...decode].sort(),
    encodeProfiles: [...encode].sort(),
  };
}

function vendorOfDriver(driver: string | undefined): GpuVendor | undefined {
  if (!driver) return undefined;
  if (/intel|i965|iHD/i.test(driver)) return 'intel';
  if (/AMD|radeon/i.test(driver)) return 'amd';
  if (/nvidia|nouveau/i.test(driver)) return 'nvidia';
  return undefined;
}
