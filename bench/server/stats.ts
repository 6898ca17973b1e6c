/**
 * Latency samples and percentiles. Samples are kept exactly (a growing Float64Array, 8 bytes
 * each): a 30-second run at 100,000 samples/s is 24 MB, and exact percentiles avoid arguing about
 * histogram bucket widths when a p99 is compared with a 10 ms goal.
 */

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export class Samples {
  private data = new Float64Array(1024);
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(value: number): void {
    if (this.n === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.n++] = value;
  }

  summary(): LatencySummary | undefined {
    if (this.n === 0) return undefined;
    const sorted = this.data.slice(0, this.n).sort();
    let sum = 0;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i] as number;
    return {
      count: this.n,
      p50: round(percentile(sorted, 0.5)),
      p90: round(percentile(sorted, 0.9)),
      p99: round(percentile(sorted, 0.99)),
      p999: round(percentile(sorted, 0.999)),
      max: round(sorted[sorted.length - 1] as number),
      mean: round(sum / sorted.length),
    };
  }
}

/** Nearest-rank percentile of an ascending array (q in 0…1). */
export function percentile(sorted: Float64Array | readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Three decimals: microsecond resolution for millisecond figures. */
export function round(x: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
