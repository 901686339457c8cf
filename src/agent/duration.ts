// Go's time.Duration text, which the kubelet's messages use ("back-off 10s", "in 1.5s",
// "5m0s") and which the simulated runtime's annotations accept.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** Integer v / 10^digits as decimal text without trailing zeros ("1.5", "2"). */
function fraction(v: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(v / scale);
  const rest = String(v % scale).padStart(digits, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : String(whole);
}

/** A duration in milliseconds as Go prints it: "0s", "250ms", "1.5s", "2m30s", "1h0m0s". */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${fraction(ns, 3)}µs`;
  if (ns < 1e9) return `${sign}${fraction(ns, 6)}ms`;
  const minutes = Math.floor(ns / 60e9);
  const seconds = `${fraction(ns % 60e9, 9)}s`;
  if (minutes === 0) return sign + seconds;
  const hours = Math.floor(minutes / 60);
  return `${sign}${hours > 0 ? `${hours}h` : ''}${minutes % 60}m${seconds}`;
}

/** Parses Go duration text ("2s", "1m30s", "500ms") into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  // µ (U+00B5) and μ (U+03BC) escaped: esbuild leaves a regex literal as written, and one
  // character beyond Latin-1 makes V8 hold the whole bundle's source as a two-byte string.
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let total = 0;
  let matched = 0;
  while (re.lastIndex < s.length) {
    const start = re.lastIndex;
    const m = re.exec(s);
    if (!m || m.index !== start) return undefined;
    total += Number(m[1]) * UNITS[m[2]];
    matched++;
  }
  return matched > 0 ? total : undefined;
}
