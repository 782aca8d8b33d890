// File paths inside ffmpeg's own syntaxes: any path a data dir or HOME can hold is written so that
// ffmpeg reads it back unchanged, rather than refused.

/**
 * A file path as a filter option value inside a filtergraph: escaped for the option parser, then
 * again for the graph parser. Whitespace too: each level trims it from a token's ends. Pure.
 */
export function pathOption(path: string): string {
  const option = path.replace(/[\\':\s]/g, '\\$&');
  return option.replace(/[\\'[\],;\s]/g, '\\$&');
}

/** A folder in front of an image2 pattern (`dir/%06d.png`): its `%` written `%%`, not a pattern. Pure. */
export function patternDir(dir: string): string {
  return dir.replace(/%/g, '%%');
}

/**
 * Demuxer options that open an image by its name as it is: image2 (which claims a .png or .jpg)
 * reads a `%d` anywhere in the path as a pattern and finds no such file.
 */
export const IMAGE_FILE: Readonly<Record<string, string>> = { pattern_type: 'none' };
