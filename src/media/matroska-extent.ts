import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Whether a Matroska/WebM file holds all the bytes its own element sizes state: a copy cut short
 * (a failed download, `head -c`) ends inside its Segment, whose size the muxer wrote, and most
 * often inside a Cluster, whose size it wrote too. Only element headers are read, never frames.
 */

/** Where a Matroska file stops short of what its elements state. */
export interface MatroskaCut {
  /** The file's size, in bytes. */
  fileBytes: number;
  /** Where its Segment says it ends; absent where the size is unknown (written to a pipe, live). */
  segmentEnd?: number;
  /** Where the Cluster the file ends inside says it ends: frames of it are lost. */
  clusterEnd?: number;
}

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
/** Bytes of an element's ID (up to 4) and size (up to 8). */
const HEADER_BYTES = 12;
/** Elements read between two turns of the event loop. */
const YIELD = 1024;

interface Vint {
  value: number;
  length: number;
  /** All value bits set: a size the muxer left unknown. */
  unknown: boolean;
}

/** An EBML variable-length integer at `at` (the ID keeps its length marker); undefined where invalid. Pure. */
export function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): Vint | undefined {
  const first = bytes[at];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return undefined;
  const bits = 0xff >> length;
  let value = keepMarker ? first : first & bits;
  let unknown = (first & bits) === bits;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i]!;
    value = value * 256 + byte;
    if (byte !== 0xff) unknown = false;
  }
  return { value, length, unknown };
}

/** An element's ID, where its data starts, and its size (undefined: unknown). Pure. */
function elementAt(bytes: Uint8Array, at: number): { id: number; data: number; size?: number } | undefined {
  const id = readVint(bytes, at, true);
  if (!id || id.length > 4) return undefined;
  const size = readVint(bytes, at + id.length, false);
  if (!size) return undefined;
  const data = at + id.length + size.length;
  return size.unknown ? { id: id.value, data } : { id: id.value, data, size: size.value };
}

/**
 * Where a Matroska file stops short of its stated sizes, reading element headers only; undefined
 * where it holds them all, or where nothing tells (a Cluster of unknown size: a live stream). The
 * Segment's Clusters are walked only where its own size is unknown or runs past the end.
 */
export async function matroskaCut(path: string): Promise<MatroskaCut | undefined> {
  const file = await open(path, 'r');
  try {
    const { size: fileBytes } = await file.stat();
    const bytes = Buffer.alloc(HEADER_BYTES);
    // A header at a time, read synchronously: one read per Cluster, a few microseconds each (an
    // await per read cost 30 µs to 250 µs under load), with the event loop let through every YIELD.
    const header = (at: number) => {
      const read = readSync(file.fd, bytes, 0, HEADER_BYTES, at);
      const element = elementAt(bytes.subarray(0, read), 0);
      return element && { ...element, data: at + element.data };
    };
    const ebml = header(0);
    if (ebml?.id !== EBML_HEADER || ebml.size === undefined) return undefined;
    const segment = header(ebml.data + ebml.size);
    if (segment?.id !== SEGMENT) return undefined;
    const segmentEnd = segment.size === undefined ? undefined : segment.data + segment.size;
    if (segmentEnd !== undefined && segmentEnd <= fileBytes) return undefined;
    const cut: MatroskaCut = { fileBytes, ...(segmentEnd !== undefined ? { segmentEnd } : {}) };
    for (let at = segment.data, count = 1; at < fileBytes; count++) {
      if (count % YIELD === 0) await new Promise(setImmediate);
      const element = header(at);
      // Bytes that are no element (padding, a header cut off) or one of unknown size: the Segment's
      // size, if any, is the only evidence.
      if (element?.size === undefined) return orNone(cut);
      const end = element.data + element.size;
      if (end > fileBytes) return element.id === CLUSTER ? { ...cut, clusterEnd: end } : orNone(cut);
      at = end;
    }
    return orNone(cut);
  } finally {
    await file.close();
  }
}

/** The cut where it has evidence (a Segment stated longer than the file), else undefined. Pure. */
function orNone(cut: MatroskaCut): MatroskaCut | undefined {
  return cut.segmentEnd !== undefined ? cut : undefined;
}
