/** ISO BMFF (MP4 / MOV / CMAF) box walking shared by the readers that check our own outputs. Pure. */

export interface Box {
  type: string;
  /** Payload, after the header. */
  body: Buffer;
}

/** The boxes laid end to end in `buf` (a truncated last box is left out). */
export function boxes(buf: Buffer): Box[] {
  const out: Box[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > buf.length) break;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = buf.length - at;
    }
    if (size < header || at + size > buf.length) break;
    out.push({ type, body: buf.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}

/** The body of the first box along `path` (e.g. ['moov', 'trak']), if every step is there. */
export function child(buf: Buffer, path: string[]): Buffer | undefined {
  let cur: Buffer | undefined = buf;
  for (const type of path) {
    cur = boxes(cur).find((b) => b.type === type)?.body;
    if (!cur) return undefined;
  }
  return cur;
}
