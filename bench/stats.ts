export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface RateSummary {
  count: number;
  /** Over the middle 90% of the arrivals: ramp-up and the last stragglers do not count. */
  sustainedPerSecond: number;
  /** Over everything, from the first to the last arrival. */
  overallPerSecond: number;
  spanMs: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const list = ascending(values);
  const sum = list.reduce((total, v) => total + v, 0);
  return {
    count: list.length,
    p50: round(percentile(list, 50)),
    p95: round(percentile(list, 95)),
    p99: round(percentile(list, 99)),
    max: round(list.length ? (list[list.length - 1] as number) : Number.NaN),
    mean: round(list.length ? sum / list.length : Number.NaN),
  };
}

/** Arrival rate of events at the given times (ms). */
export function summarizeRate(times: readonly number[]): RateSummary {
  const list = ascending(times);
  const count = list.length;
  if (count < 2) return { count, sustainedPerSecond: 0, overallPerSecond: 0, spanMs: 0 };
  const first = list[0] as number;
  const last = list[count - 1] as number;
  const from = percentile(list, 5);
  const to = percentile(list, 95);
  const middle = Math.ceil(0.95 * count) - Math.ceil(0.05 * count);
  return {
    count,
    sustainedPerSecond: to > from ? Math.round((middle * 1000) / (to - from)) : 0,
    overallPerSecond: last > first ? Math.round(((count - 1) * 1000) / (last - first)) : 0,
    spanMs: Math.round(last - first),
  };
}

function ascending(values: readonly number[]): number[] {
  // A typed array sorts numerically, and much faster than Array#sort with a comparator.
  return Array.from(Float64Array.from(values).sort());
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const list = ascending(values);
  if (list.length === 0) return Number.NaN;
  const middle = Math.floor(list.length / 2);
  return list.length % 2 === 1
    ? (list[middle] as number)
    : ((list[middle - 1] as number) + (list[middle] as number)) / 2;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 1000 : Number.NaN;
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
