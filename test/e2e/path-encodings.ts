/** Percent-encodes one character as %XX (upper or lower hex). */
function pct(char: string, lower = false): string {
  const hex = [...Buffer.from(char)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return lower ? hex : hex.toUpperCase();
}

const encodeAll = (path: string, lower = false) =>
  path
    .split('/')
    .map((segment) => [...segment].map((c) => pct(c, lower)).join(''))
    .join('/');

/**
 * The ways an attacker writes one path so that a check on the raw text and the router disagree:
 * each character percent-encoded on its own and all at once (upper and lower hex), doubled
 * slashes, dot segments, a trailing slash, `;` parameters, encoded slashes and dots, case, a
 * backslash, a public prefix walked back with `..`, double encoding and absolute-form targets.
 * Returns [name, request target] pairs; the path itself is first.
 */
export function pathEncodings(path: string, origin: string): [string, string][] {
  const segments = path.split('/').filter(Boolean);
  const first = segments[0] ?? '';
  const rest = segments.slice(1).join('/');
  const variants: [string, string][] = [
    ['as registered', path],
    ['every character encoded', encodeAll(path)],
    ['every character encoded, lower-case hex', encodeAll(path, true)],
    [
      'mixed-case hex',
      encodeAll(path).replace(
        /%([0-9A-F])([0-9A-F])/g,
        (_m, a: string, b: string) => `%${a}${b.toLowerCase()}`,
      ),
    ],
    ['leading doubled slash', `/${path}`],
    ['doubled slashes inside', path.replaceAll('/', '//')],
    ['dot segment', `/./${path.slice(1)}`],
    ['dot segments inside', path.replaceAll('/', '/./')],
    ['walked back with ..', `/${first}/x/../${rest}`],
    ['public prefix walked back', `/healthz/..${path}`],
    ['public prefix walked back, encoded', `/healthz/%2e%2e${path}`],
    ['trailing slash', `${path}/`],
    ['trailing dot segment', `${path}/.`],
    ['; parameter at the end', `${path};a=b`],
    ['; parameter inside', `/${first};x/${rest}`],
    ['encoded slashes', `/${encodeAll(path.slice(1)).replaceAll('/', '%2F')}`],
    ['upper case', path.toUpperCase()],
    ['backslash', path.replaceAll('/', '\\')],
    ['double encoding', path.replace(/[a-z]/, (c) => `%25${pct(c).slice(1)}`)],
    ['query that names a public route', `${path}?/healthz`],
    ['fragment-like suffix', `${path}%23/healthz`],
    ['NUL byte', `${path}%00`],
    ['absolute-form target', `${origin}${path}`],
  ];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '/') continue;
    const one = `${path.slice(0, i)}${pct(path[i]!)}${path.slice(i + 1)}`;
    variants.push([`character ${i} encoded`, one]);
  }
  return variants;
}
