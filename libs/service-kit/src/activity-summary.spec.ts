import pino from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CounterDeltas, logActivity, metricTotal } from './activity-summary';

function metrics() {
  const registers = [new Registry()];
  return {
    deliveries: new Counter({ name: 'deliveries', help: 'h', labelNames: ['outcome'], registers }),
    latency: new Histogram({ name: 'latency', help: 'h', labelNames: ['outcome'], buckets: [1], registers }),
    lag: new Gauge({ name: 'lag', help: 'h', labelNames: ['partition'], registers }),
  };
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('metricTotal', () => {
  it('sums a counter over its series, or over those with the given labels', async () => {
    const { deliveries } = metrics();
    deliveries.inc({ outcome: 'delivered' }, 3);
    deliveries.inc({ outcome: 'dead_lettered' });
    expect(await metricTotal(deliveries)).toBe(4);
    expect(await metricTotal(deliveries, { outcome: 'delivered' })).toBe(3);
    expect(await metricTotal(deliveries, { outcome: 'parked' })).toBe(0);
  });

  it('counts a histogram’s observations, not its buckets or sum', async () => {
    const { latency } = metrics();
    latency.observe({ outcome: 'delivered' }, 0.5);
    latency.observe({ outcome: 'delivered' }, 7);
    latency.observe({ outcome: 'retrying' }, 3);
    expect(await metricTotal(latency)).toBe(3);
    expect(await metricTotal(latency, { outcome: 'delivered' })).toBe(2);
  });

  it('sums a gauge’s current values', async () => {
    const { lag } = metrics();
    lag.set({ partition: '0' }, 5);
    lag.set({ partition: '1' }, 2);
    lag.set({ partition: '0' }, 1);
    expect(await metricTotal(lag)).toBe(3);
  });
});

describe('CounterDeltas', () => {
  it('gives what each counter and label selection grew by since the previous look', async () => {
    const { deliveries, latency } = metrics();
    const deltas = new CounterDeltas();
    deliveries.inc({ outcome: 'delivered' }, 2);
    latency.observe({ outcome: 'delivered' }, 0.1);
    expect(await deltas.increase(deliveries)).toBe(2);
    expect(await deltas.increase(deliveries, { outcome: 'delivered' })).toBe(2);
    expect(await deltas.increase(latency)).toBe(1);

    deliveries.inc({ outcome: 'delivered' });
    deliveries.inc({ outcome: 'parked' }, 4);
    expect(await deltas.increase(deliveries)).toBe(5);
    expect(await deltas.increase(deliveries, { outcome: 'delivered' })).toBe(1);
    expect(await deltas.increase(latency)).toBe(0);
    expect(await deltas.increase(deliveries)).toBe(0);
  });
});

describe('logActivity', () => {
  it('logs one info line with the period and the numbers', () => {
    const { logger, lines } = capturedLogger();
    logActivity(logger, 'dispatcher activity', 60_000, { attempts: 12, delivered: 10, backlog: 0 });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'dispatcher activity',
        periodMs: 60_000,
        attempts: 12,
        delivered: 10,
        backlog: 0,
      }),
    ]);
  });

  it('logs nothing for a period in which nothing happened and nothing waits', () => {
    const { logger, lines } = capturedLogger();
    logActivity(logger, 'dispatcher activity', 60_000, { attempts: 0, backlog: 0 });
    expect(lines).toEqual([]);
  });
});
