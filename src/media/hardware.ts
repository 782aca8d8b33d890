import { hostname } from 'node:os';
import { FramefleetError } from '../errors.js';
import { ENCODERS, type EncoderDef } from './encoders/catalogue.js';
import { readKeyed, writeKeyed } from './keyed-cache.js';
import { runFfmpeg } from './run.js';

/** A smoke cache in `dir` keyed by this ffmpeg build (its version or binaries' identity) and host, valid for a day. */
export function smokeCacheIn(dir: string, ffmpegBuild: string): SmokeCache {
  return {
    file: `${dir}/encoders-smoke.json`,
    key: `${hostname()}|${ffmpegBuild}`,
    maxAgeMs: 24 * 3600_000,
  };
}

/** Names from `ffmpeg -encoders` output (video encoders only). Pure. */
export function parseEncoderList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*V[.A-Z]{5}\s+(\S+)/.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}

/** Names from `ffmpeg -hwaccels` output. Pure. */
export function parseHwaccelList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/hardware acceleration methods/i.test(l));
}

export interface SmokeResult {
  encoder: string;
  ok: boolean;
  ms: number;
  message: string | undefined;
}

export interface EncoderInventory {
  /** Catalogue encoders this ffmpeg build lists. */
  listed: string[];
  hwaccels: string[];
  /** Listed encoders that passed a smoke encode on this machine: the only ones that count. */
  proven: string[];
  smoke: SmokeResult[];
}

/** The smoke encode: a few frames of a test pattern through the encoder into nothing. Pure. */
export function smokeArgs(encoder: EncoderDef): string[] {
  const chain = ['format=yuv420p', encoder.uploadFilter].filter(Boolean).join(',');
  return [
    ...encoder.globalArgs(),
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=256x144:r=30:d=0.5',
    '-vf',
    chain,
    '-frames:v',
    '8',
    '-c:v',
    encoder.name,
    ...encoder.args({ quality: 70, preset: 'fast', gopFrames: 30 }),
    '-f',
    'null',
    '-',
  ];
}

export async function smokeTest(encoder: EncoderDef, timeoutMs = 20_000): Promise<SmokeResult> {
  const started = Date.now();
  try {
    await runFfmpeg(smokeArgs(encoder), { timeoutMs, label: `smoke encode with ${encoder.name}` });
    return { encoder: encoder.name, ok: true, ms: Date.now() - started, message: undefined };
  } catch (error) {
    const tail = error instanceof FramefleetError ? (error.ffmpegTail ?? error.message) : String(error);
    // ffmpeg ends with generic lines; the cause (no device, no driver) is the line before them.
    const lines = tail
      .trim()
      .split('\n')
      .filter((l) => l.trim());
    const message = lines.find((l) => !GENERIC_ERROR.test(l)) ?? lines.pop() ?? 'failed';
    return { encoder: encoder.name, ok: false, ms: Date.now() - started, message };
  }
}

const GENERIC_ERROR =
  /Error (initializing output stream|while opening encoder)|Conversion failed|Error parsing global options|Error while filtering|Could not open encoder|Nothing was written|Failed to set value/i;

const cache = new Map<string, Promise<SmokeResult>>();

export interface SmokeCache {
  /** Path of a JSON file holding earlier smoke results for this ffmpeg build on this host. */
  file: string;
  /** ffmpeg version line and host: results are reused only while both are the same. */
  key: string;
  maxAgeMs: number;
}

/** What a smoke cache remembers: the results, and the build's `-encoders` and `-hwaccels` listings. */
interface SavedSmoke {
  results: Map<string, SmokeResult>;
  listings: Listings | undefined;
}

interface Listings {
  encoders: string;
  hwaccels: string;
}

/** A smoke cache's entry for one build on one host. */
interface SmokeEntry {
  results: SmokeResult[];
  listings?: Listings;
}

async function readSmokeCache(options: SmokeCache | undefined): Promise<SavedSmoke> {
  const saved = options && (await readKeyed<SmokeEntry>(options.file, options.key, options.maxAgeMs));
  if (!saved) return { results: new Map(), listings: undefined };
  return { results: new Map(saved.results.map((r) => [r.encoder, r])), listings: saved.listings };
}

async function writeSmokeCache(
  options: SmokeCache | undefined,
  results: SmokeResult[],
  listings: Listings,
): Promise<void> {
  if (!options) return;
  const previous = (await readSmokeCache(options)).results;
  for (const r of results) previous.set(r.encoder, r);
  await writeKeyed<SmokeEntry>(options.file, options.key, { results: [...previous.values()], listings });
}

/** The build's encoder and hwaccel listings: remembered with the smoke results, else two ffmpeg runs. */
async function listingsOf(saved: SavedSmoke): Promise<Listings> {
  if (saved.listings) return saved.listings;
  const [encoders, hwaccels] = await Promise.all([
    runFfmpeg(['-encoders'], { timeoutMs: 20_000, label: 'list encoders' }),
    runFfmpeg(['-hwaccels'], { timeoutMs: 20_000, label: 'list hwaccels' }),
  ]);
  return { encoders: encoders.stdout.toString('utf8'), hwaccels: hwaccels.stdout.toString('utf8') };
}

/**
 * Lists the build's encoders and proves the ones asked for (all catalogue encoders by default).
 * An encoder a command named (`requested`) is proven alone first: when it passes it is the one the
 * job uses, and the others are tried only when it fails, so the refusal can name them.
 * Results are cached per process: a machine's hardware does not change under a running worker.
 */
export async function detectEncoders(
  only?: readonly string[],
  smokeCache?: SmokeCache,
  requested?: string,
): Promise<EncoderInventory> {
  const saved = await readSmokeCache(smokeCache);
  const listings = await listingsOf(saved);
  const available = new Set(parseEncoderList(listings.encoders));
  const listed = ENCODERS.filter((e) => available.has(e.name)).map((e) => e.name);
  const toTest = ENCODERS.filter((e) => listed.includes(e.name) && (!only || only.includes(e.name)));
  const test = (list: EncoderDef[]) =>
    Promise.all(
      list.map((e) => {
        let result = cache.get(e.name);
        if (!result) {
          const known = saved.results.get(e.name);
          result = known ? Promise.resolve(known) : smokeTest(e);
          cache.set(e.name, result);
        }
        return result;
      }),
    );
  const first = toTest.filter((e) => e.name === requested);
  let smoke = await test(first);
  if (!smoke[0]?.ok) smoke = [...smoke, ...(await test(toTest.filter((e) => e.name !== requested)))];
  await writeSmokeCache(smokeCache, smoke, listings).catch(() => undefined);
  return {
    listed,
    hwaccels: parseHwaccelList(listings.hwaccels),
    proven: smoke.filter((s) => s.ok).map((s) => s.encoder),
    smoke,
  };
}
