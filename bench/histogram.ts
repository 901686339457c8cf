// A fixed-size log-linear latency histogram (HDR-like): exact 1 µs buckets below
// 1,024 µs, then 512 sub-buckets per power of two (≤ 0.2 % relative error) up to
// ~2^36 µs. Values are recorded in milliseconds. Serializable across threads.

const LINEAR = 1024; // µs recorded exactly below this
const SUB = 512; // sub-buckets per power of two above it
const MAX_EXP = 36; // 2^36 µs ≈ 19 h: anything above is clamped
const SIZE = LINEAR + (MAX_EXP - 10 + 1) * SUB;

export interface HistogramData {
  counts: Uint32Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

function indexOf(us: number): number {
  if (us < LINEAR) return us;
  const e = Math.min(Math.floor(Math.log2(us)), MAX_EXP);
  const shift = e - 9;
  const sub = Math.min(Math.floor(us / 2 ** shift) - SUB, SUB - 1);
  return LINEAR + (e - 10) * SUB + sub;
}

function valueOf(index: number): number {
  if (index < LINEAR) return index;
  const rel = index - LINEAR;
  const e = Math.floor(rel / SUB) + 10;
  const sub = rel % SUB;
  const shift = e - 9;
  return (SUB + sub + 0.5) * 2 ** shift; // bucket midpoint
}

export class Histogram {
  readonly counts: Uint32Array;
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  constructor(data?: HistogramData) {
    if (data) {
      this.counts = new Uint32Array(data.counts);
      this.count = data.count;
      this.sum = data.sum;
      this.min = data.min;
      this.max = data.max;
    } else {
      this.counts = new Uint32Array(SIZE);
    }
  }

  /** Record one latency in milliseconds (negative values count as 0). */
  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    const us = Math.round(v * 1000);
    this.counts[indexOf(us)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < SIZE; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Value (ms) at percentile p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(Math.max(valueOf(i) / 1000, this.min), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  toData(): HistogramData {
    return { counts: this.counts, count: this.count, sum: this.sum, min: this.min, max: this.max };
  }
}
