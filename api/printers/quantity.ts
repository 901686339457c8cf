// resource.Quantity's canonical text, as upstream prints capacities: "1024Mi" → "1Gi",
// "1500m" → "1500m", "0.5Gi" → "512Mi", "1000" → "1k". Upstream keeps quantities canonical in
// storage; Skiff stores them as written, so the printer canonicalises on the way out.
// Exact decimal arithmetic on BigInt: value = mantissa × 10^scale.

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const BINARY_POWERS: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const EXPONENT_RE = /^[eE]([-+]?\d+)$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

interface Parsed { mantissa: bigint; scale: number; format: Format }

function parse(input: string): Parsed | undefined {
  const m = NUMBER_RE.exec(input);
  if (!m) return undefined;
  const [, sign, whole, frac = '', suffix] = m;
  if (whole.length === 0 && frac.length === 0) return undefined;
  let mantissa = BigInt(whole + frac);
  let scale = -frac.length;
  let format: Format;
  if (suffix in BINARY_POWERS) {
    mantissa *= 1n << BigInt(10 * BINARY_POWERS[suffix]);
    format = 'BinarySI';
  } else if (suffix in DECIMAL_EXPONENTS) {
    scale += DECIMAL_EXPONENTS[suffix];
    format = 'DecimalSI';
  } else {
    const e = EXPONENT_RE.exec(suffix);
    if (!e) return undefined;
    scale += Number(e[1]);
    format = 'DecimalExponent';
  }
  // A binary amount below one cannot be written in binary units.
  if (format === 'BinarySI' && mantissa !== 0n && compareAbs(mantissa, scale, 1n) < 0) format = 'DecimalSI';
  // Upstream keeps nano precision at most, rounding away from zero.
  if (scale < -9) {
    const div = pow10(-9 - scale);
    const q = mantissa / div;
    mantissa = mantissa % div === 0n ? q : q + 1n;
    scale = -9;
  }
  if (sign === '-') mantissa = -mantissa;
  return { mantissa, scale, format };
}

/** Sign of |mantissa × 10^scale| − limit. */
function compareAbs(mantissa: bigint, scale: number, limit: bigint): number {
  const abs = mantissa < 0n ? -mantissa : mantissa;
  const lhs = scale >= 0 ? abs * pow10(scale) : abs;
  const rhs = scale >= 0 ? limit : limit * pow10(-scale);
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

function decimal(mantissa: bigint, scale: number, format: Format): string {
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale++;
  }
  // Exponents are shown in steps of three (k, M, G / m, u, n).
  const r = ((scale % 3) + 3) % 3;
  if (r !== 0) {
    mantissa *= r === 1 ? 10n : 100n;
    scale -= r;
  }
  const number = mantissa.toString();
  if (format === 'DecimalExponent') return scale === 0 ? number : `${number}e${scale}`;
  return number + (DECIMAL_SUFFIXES[scale] ?? '');
}

function binary(value: bigint): string {
  let power = 0;
  while (value % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
    value /= 1024n;
    power++;
  }
  return value.toString() + BINARY_SUFFIXES[power];
}

/** The canonical form of a quantity; "0" when absent; the input itself when it does not parse. */
export function canonicalQuantity(input: unknown): string {
  if (input === undefined || input === null) return '0';
  const str = typeof input === 'number' ? String(input) : typeof input === 'string' ? input : '';
  const q = parse(str);
  if (!q) return str;
  const { mantissa, scale, format } = q;
  if (mantissa === 0n) return '0';
  if (format === 'BinarySI' && compareAbs(mantissa, scale, 1024n) >= 0) {
    // Whole numbers only: a fraction would need rounding, so it falls back to decimal.
    if (scale >= 0) return binary(mantissa * pow10(scale));
    const div = pow10(-scale);
    if (mantissa % div === 0n) return binary(mantissa / div);
  }
  return decimal(mantissa, scale, format === 'BinarySI' ? 'DecimalSI' : format);
}
