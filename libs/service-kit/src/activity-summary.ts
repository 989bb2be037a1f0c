import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Logger } from './logger';
import type { PeriodicJobs } from './periodic-jobs';

type Labels = Readonly<Record<string, string>>;
type Metric = Counter<string> | Gauge<string> | Histogram<string>;
/** One series of `metric.get()`: only a histogram's series have names (`_bucket`, `_sum`, `_count`). */
type Series = { value: number; labels: Partial<Record<string, string | number>>; metricName?: string };

/**
 * The sum of a metric's series whose labels include `labels`: a counter's or gauge's values, a histogram's
 * observation counts.
 */
export async function metricTotal(metric: Metric, labels: Labels = {}): Promise<number> {
  const { values } = await metric.get();
  let total = 0;
  for (const { value, labels: series, metricName } of values as Series[]) {
    if (metricName !== undefined && !metricName.endsWith('_count')) continue;
    if (Object.entries(labels).every(([name, wanted]) => series[name] === wanted)) total += value;
  }
  return total;
}

/**
 * How much counters grew since the last look at each: a summary line says what `/metrics` says, and the hot
 * path counts nothing twice.
 */
export class CounterDeltas {
  private readonly seen = new Map<string, number>();

  async increase(metric: Counter<string> | Histogram<string>, labels: Labels = {}): Promise<number> {
    const key = `${(await metric.get()).name} ${JSON.stringify(labels)}`;
    const total = await metricTotal(metric, labels);
    const increase = total - (this.seen.get(key) ?? 0);
    this.seen.set(key, total);
    return increase;
  }
}

/**
 * A service's info line, every `everyMs`, of what it did meanwhile: the one line an operator reads at the
 * default level instead of one line per event or delivery (those are debug, with their ids). Nothing is
 * logged for a period in which nothing happened and nothing waits; an interval of 0 turns it off.
 * Subclasses say what happened since the previous line, and what waits now.
 */
export abstract class ActivitySummaryJob implements OnApplicationBootstrap {
  protected readonly deltas = new CounterDeltas();

  protected constructor(
    private readonly jobs: PeriodicJobs,
    private readonly logger: Logger,
    private readonly message: string,
    private readonly everyMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.everyMs === 0) return;
    this.jobs.schedule(
      {
        name: 'activity-summary',
        run: async () => logActivity(this.logger, this.message, this.everyMs, await this.summarize()),
      },
      { everyMs: this.everyMs, unref: true },
    );
  }

  abstract summarize(): Promise<Record<string, number>>;
}

export function logActivity(
  logger: Logger,
  message: string,
  periodMs: number,
  numbers: Readonly<Record<string, number>>,
): void {
  if (Object.values(numbers).some((n) => n !== 0)) logger.info({ periodMs, ...numbers }, message);
}
