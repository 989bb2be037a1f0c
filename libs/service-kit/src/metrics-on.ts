import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Declares a service's metrics on the registry that /metrics serves. `help` holds each metric's
 * HELP text by name, so that a declaration fits on one line and names only what varies: kind, name
 * and labels. A name without a HELP text does not compile.
 */
export function metricsOn<Name extends string>(registry: Registry, help: Readonly<Record<Name, string>>) {
  const registers = [registry];
  return {
    counter: <L extends string = string>(name: Name, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help: help[name], labelNames, registers }),
    gauge: <L extends string = string>(name: Name, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help: help[name], labelNames, registers }),
    histogram: <L extends string = string>(name: Name, buckets: number[], labelNames: readonly L[] = []) =>
      new Histogram<L>({ name, help: help[name], buckets, labelNames, registers }),
  };
}
