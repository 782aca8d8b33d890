/** A frame rate or time base as an exact fraction. */
export interface Rational {
  num: number;
  den: number;
}

export function parseRational(text: string | undefined): Rational | undefined {
  if (!text) return undefined;
  const [n, d = '1'] = text.split('/');
  const num = Number(n);
  const den = Number(d);
  if (!Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) return undefined;
  return { num, den };
}

export function rationalValue(r: Rational): number {
  return r.num / r.den;
}

export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

/** Time in seconds of frame `index` on a constant-rate timeline. */
export function frameTime(index: number, rate: Rational): number {
  return (index * rate.den) / rate.num;
}

/** num/den in lowest terms. Pure. */
export function reduced(num: number, den: number): Rational {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}
