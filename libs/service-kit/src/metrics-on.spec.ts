import { Registry } from 'prom-client';
import { metricsOn } from './metrics-on';

const HELP = {
  test_things_total: 'Things counted',
  test_queue_depth: 'Things waiting',
  test_wait_seconds: 'How long things waited',
};

describe('metricsOn', () => {
  it('declares each kind of metric on the registry, with its HELP text and labels', async () => {
    const registry = new Registry();
    const metric = metricsOn(registry, HELP);
    metric.counter('test_things_total', ['kind']).inc({ kind: 'a' });
    metric.gauge('test_queue_depth').set(3);
    metric.histogram('test_wait_seconds', [1, 10]).observe(2);
    const text = await registry.metrics();
    expect(text).toContain('# HELP test_things_total Things counted\n# TYPE test_things_total counter');
    expect(text).toContain('test_things_total{kind="a"} 1');
    expect(text).toContain('# HELP test_queue_depth Things waiting\n# TYPE test_queue_depth gauge');
    expect(text).toContain('test_queue_depth 3');
    expect(text).toContain('test_wait_seconds_bucket{le="10"} 1');
  });

  it('takes only the names it has a HELP text for', () => {
    const metric = metricsOn(new Registry(), HELP);
    // @ts-expect-error: a name missing from HELP is a type error, and prom-client refuses it too.
    expect(() => metric.counter('test_unknown_total')).toThrow(/help/);
  });
});
