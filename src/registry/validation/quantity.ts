// resource.Quantity parsing: "100m", "1.5Gi", "2e3", or a bare JSON number. The value is
// returned as a float in base units; callers only compare and sign-check quantities, and the
// canonical re-serialisation upstream does is deliberately not reproduced.

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const quantityRe = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const exponentRe = /^[eE]([-+]?\d+)$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The parse itself: the value in base units, or upstream's error text. Kept free of Error
 * objects because capturing stack traces dominates the cost on the validation hot path.
 */
function parse(input: unknown): number | string {
  if (typeof input === 'number') return Number.isFinite(input) ? input : QUANTITY_FORMAT_ERROR;
  if (typeof input !== 'string' || input.length === 0) return QUANTITY_FORMAT_ERROR;
  const m = quantityRe.exec(input);
  if (!m) return QUANTITY_FORMAT_ERROR;
  const [, sign, whole, frac = '', suffix] = m;
  if (whole.length === 0 && frac.length === 0) return QUANTITY_FORMAT_ERROR;
  let multiplier = SUFFIX[suffix];
  if (multiplier === undefined) {
    const e = exponentRe.exec(suffix);
    if (!e) return QUANTITY_SUFFIX_ERROR;
    multiplier = 10 ** Number(e[1]);
  }
  const magnitude = Number(frac ? `${whole || '0'}.${frac}` : whole) * multiplier;
  return sign === '-' ? -magnitude : magnitude;
}

/** Parses a quantity; returns its value in base units, or an Error with upstream's message. */
export function parseQuantity(input: unknown): number | Error {
  const v = parse(input);
  return typeof v === 'number' ? v : new Error(v);
}

/** The value if the quantity parses, else undefined (for code that already reported the error). */
export function quantityValue(input: unknown): number | undefined {
  const v = parse(input);
  return typeof v === 'number' ? v : undefined;
}

/** Text of a quantity for messages: the string as given, or the JSON number. */
export const quantityText = (input: unknown): string => (typeof input === 'number' ? String(input) : String(input ?? ''));

/** Compare with a tolerance for float noise (quantities are exact decimals upstream). */
export function compareQuantities(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-9);
  const d = a - b;
  if (Math.abs(d) <= scale * 1e-12) return 0;
  return d < 0 ? -1 : 1;
}
