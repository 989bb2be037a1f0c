import { metricNamesOf, seriesNamesOf, withGrafanaIntervals } from './promql';

describe('metricNamesOf', () => {
  it.each([
    ['up', ['up']],
    ['max(dispatcher_backlog_oldest_age_seconds) > 1800', ['dispatcher_backlog_oldest_age_seconds']],
    [
      'histogram_quantile(0.99, sum by (le, priority) (rate(dispatcher_end_to_end_latency_seconds_bucket{job="x"}[5m])))',
      ['dispatcher_end_to_end_latency_seconds_bucket'],
    ],
    [
      'sum(rate(a_total{outcome="dead_lettered"}[15m])) / sum(rate(a_total{outcome=~"delivered|dead_lettered"}[15m])) > 0.05',
      ['a_total'],
    ],
    ['sum by (service, topic) (max by (service, topic, partition) (b_lag or c_lag))', ['b_lag', 'c_lag']],
    [
      'absent(service_ready{service="dispatcher"}) or absent(service_ready{service="ingestion"})',
      ['service_ready'],
    ],
    ['topk(10, max by (subscription_id) (per_sub)) == 2', ['per_sub']],
    ['count(x offset 5m) by (le) unless on (le) y', ['x', 'y']],
  ])('%s selects %j', (expr, names) => {
    expect(metricNamesOf(expr)).toEqual(names);
  });

  it.each([['sum(rate(x[5m])'], ['rate(x[$__rate_interval])'], ['x >'], ['sum by (le (x)']])(
    '%s does not parse',
    (expr) => {
      expect(() => metricNamesOf(expr)).toThrow(/not PromQL at character/);
    },
  );

  it("parses Grafana's interval variables once they are given a value", () => {
    const expr = 'sum(rate(x_total[$__rate_interval])) / sum(rate(y_total[$__interval]))';
    expect(metricNamesOf(withGrafanaIntervals(expr))).toEqual(['x_total', 'y_total']);
  });
});

describe('seriesNamesOf', () => {
  it('reads the TYPE lines, declared series without samples included, with the suffixes each type offers', () => {
    const exposition = [
      '# HELP a_total A counter',
      '# TYPE a_total counter',
      'a_total{x="1"} 3',
      '# HELP b_labelled Nothing yet',
      '# TYPE b_labelled gauge',
      '# HELP c_seconds A histogram',
      '# TYPE c_seconds histogram',
      'c_seconds_bucket{le="+Inf"} 1',
      '# TYPE d summary',
      'not_declared 1',
    ].join('\n');
    expect([...seriesNamesOf(exposition)].sort()).toEqual([
      'a_total',
      'b_labelled',
      'c_seconds_bucket',
      'c_seconds_count',
      'c_seconds_sum',
      'd',
      'd_count',
      'd_sum',
    ]);
  });
});
