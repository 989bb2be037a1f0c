import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names a PromQL expression selects, parsed with Prometheus' own grammar (the one its UI uses):
 * names inside label matchers, `by (...)` lists, strings and function names are not metric names. An
 * expression that does not parse throws, with where it stops.
 */
export function metricNamesOf(expr: string): string[] {
  const names = new Set<string>();
  let error: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) error ??= node.from;
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (name) names.add(expr.slice(name.from, name.to));
    },
  });
  if (error !== undefined) {
    throw new Error(`not PromQL at character ${error}: ${expr.slice(0, error)} ⟨here⟩ ${expr.slice(error)}`);
  }
  return [...names].sort();
}

/** Grafana's interval variables, given the value a 30 s scrape interval gives them, so that the query parses. */
export function withGrafanaIntervals(expr: string): string {
  return expr.replace(/\$__(rate_)?interval\b/g, '2m');
}

/**
 * The series names a Prometheus text exposition offers, from its `# TYPE` lines: a metric declared without
 * any series yet (a labelled counter before its first increment) is offered all the same. A histogram offers
 * `_bucket`, `_sum` and `_count`, not its own name; a summary its own name, `_sum` and `_count`.
 */
export function seriesNamesOf(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name = '', type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
