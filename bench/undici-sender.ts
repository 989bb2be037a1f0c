// The undici ceiling's sender, in a process of its own as the dispatcher is: signed POSTs of the
// bench payload to the receiver, as many as it takes, with the dispatcher's concurrency. Reads
// its settings from BENCH_SENDER (JSON) and prints one JSON line with what it did.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { signedDelivery, type CeilingEndpoint } from './signed-delivery.ts';

export interface SenderSettings {
  endpoints: CeilingEndpoint[];
  /** Requests in flight per endpoint (the dispatcher's ENDPOINT_CONCURRENCY). */
  concurrency: number;
  durationMs: number;
  /** Also stops after this many requests in all. */
  maxRequests: number;
  tag: string;
}

export interface SenderResult {
  sent: number;
  failed: number;
  elapsedMs: number;
}

async function run(settings: SenderSettings): Promise<SenderResult> {
  // The dispatcher's agent settings, minus TLS: keep-alive pooling, no redirects.
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const started = performance.now();
  const stopAt = started + settings.durationMs;
  let issued = 0;
  let failed = 0;
  const worker = async (endpoint: CeilingEndpoint): Promise<void> => {
    while (performance.now() < stopAt && issued < settings.maxRequests) {
      const n = issued++;
      const id = `wh_${n.toString(16).padStart(32, '0')}`;
      const { headers, body } = signedDelivery(endpoint, id, `ceiling-${settings.tag}-${n}`);
      try {
        const res = await request(endpoint.url, { method: 'POST', headers, body, dispatcher: agent });
        await res.body.text();
        if (res.statusCode !== 200) failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(
    settings.endpoints.flatMap((e) => Array.from({ length: settings.concurrency }, () => worker(e))),
  );
  const elapsedMs = Math.round(performance.now() - started);
  await agent.close();
  return { sent: issued, failed, elapsedMs };
}

run(JSON.parse(process.env.BENCH_SENDER ?? '{}') as SenderSettings).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
