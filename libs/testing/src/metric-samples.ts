/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A service's /metrics as text. Tried a second time if the connection fails: on a loaded machine the client's
 * keep-alive timer can fire after the server's, and the next request then meets a socket the server just
 * closed. A service that is down fails both.
 */
export async function scrapeExposition(url: string): Promise<string> {
  try {
    return await (await fetch(url)).text();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return (await fetch(url)).text();
  }
}

/** The samples of a service's /metrics, for tests that assert on values. */
export async function scrapeMetrics(url: string): Promise<MetricSample[]> {
  const text = await scrapeExposition(url);
  return text.split('\n').flatMap((line) => {
    const [, name, labels = '', value] = SAMPLE.exec(line) ?? [];
    if (!name || value === undefined) return [];
    return [
      {
        name,
        labels: Object.fromEntries([...labels.matchAll(LABEL)].map(([, k, v]) => [k, v])),
        value: Number(value),
      },
    ];
  });
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): MetricSample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

/** The value of the one sample of `name` with `labels`; undefined when there is none. */
export function sampleValue(
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samplesOf(samples, name, labels);
  if (found.length > 1)
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}, not one`);
  return found[0]?.value;
}
