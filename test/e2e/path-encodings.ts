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

/**
 * Last path segments that try to leave a job's own files from a route like
 * `/v1/jobs/:id/files/:name`: walking up (plain, encoded, double-encoded, backslashed), absolute
 * paths, the file's real name or path instead of its key, keys with something appended, object
 * keys every JavaScript object has, case and NUL. `real` is the file's real path on disk. Each is
 * a request-target suffix, sent as written; `key` is a name the route does serve. Returns [name,
 * suffix] pairs.
 */
export function escapeSegments(real: string, key: string): [string, string][] {
  const base = real.split('/').pop()!;
  return [
    ['parent', '..'],
    ['up to the output', '../output'],
    ['up and out', '../../../../etc/passwd'],
    ['encoded up and out', '..%2F..%2F..%2F..%2Fetc%2Fpasswd'],
    ['lower-case encoded', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['double-encoded', '%252e%252e%252fetc%252fpasswd'],
    ['backslashes', '..\\..\\..\\etc\\passwd'],
    ['encoded backslashes', '..%5C..%5Cetc%5Cpasswd'],
    ['an absolute path', encodeURIComponent('/etc/passwd')],
    ["the file's real path", encodeURIComponent(real)],
    ["the file's name", encodeURIComponent(base)],
    ['a key with a dot segment', `${key}/..`],
    ['a key with a folder after it', `${key}/x`],
    ['a key with a suffix', `${key}.jpg`],
    ['a key then an encoded walk', `${key}%2F..%2F..%2Fsecret`],
    ['an object key', 'constructor'],
    ['another object key', '__proto__'],
    ['a method name', 'toString'],
    ['another result field', 'output'],
    ['upper case', key.toUpperCase()],
    ['a NUL byte', `${key}%00`],
    ['a NUL byte then a walk', `${key}%00/../../etc/passwd`],
  ];
}
