import { join } from 'node:path';
import type { PrismaService } from '@smart-dairy/db';
import { SERVICES, ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import {
  connectTestPrisma,
  sampleValue,
  scrapeExposition,
  scrapeMetrics,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import {
  kubectlAvailable,
  kubectlKustomize,
  metricNamesOf,
  monitoringQueries,
  renderKustomization,
  seriesNamesOf,
} from '../deploy-checks';

const overlay = join(__dirname, '..', '..', 'k8s', 'overlays', 'monitoring');

/** The dashboard and the alert rules of k8s/overlays/monitoring against the four running services. */
describe('the monitoring overlay against the running services', () => {
  let prisma: PrismaService;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    const env = serviceEnv(uniquePrefix('monitoring'), { METRICS_REFRESH_INTERVAL_MS: '200' });
    for (const name of SERVICES) services.push(new ServiceProcess(name, { port: await freePort(), env }));
    // The first one lays out the topics; the others then start together on them.
    const [first, ...rest] = services;
    await first!.start().waitUntilReady();
    rest.forEach((s) => s.start());
    await Promise.all(rest.map((s) => s.waitUntilReady()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
    await prisma?.$disconnect();
  });

  it('queries only metrics the services export, as kubectl kustomize renders it', async () => {
    const exported = new Set<string>();
    for (const service of services) {
      for (const name of seriesNamesOf(await scrapeExposition(`${service.url}/metrics`))) exported.add(name);
    }
    const manifests = kubectlAvailable() ? kubectlKustomize(overlay) : renderKustomization(overlay);
    const queries = monitoringQueries(manifests);
    expect(queries.length).toBeGreaterThan(25);
    const unexported = queries.flatMap(({ where, expr }) =>
      metricNamesOf(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unexported).toEqual([]);
  });

  it('says every service is ready, and counts dead letter entries by status', async () => {
    // Waited for rather than read once: on a loaded machine a readiness check may miss its deadline now and then.
    for (const service of services) {
      await waitFor(
        async () => sampleValue(await scrapeMetrics(`${service.url}/metrics`), 'service_ready') === 1,
        { description: `${service.name}: service_ready 1` },
      );
    }
    const entry = (id: string, reviewStatus: 'pending' | 'archived') => ({
      id,
      deliveryId: `wh_${id}`,
      subscriptionId: 'wh_sub_monitoring',
      eventId: `evt_${id}`,
      eventType: 'order.created',
      priority: 'high' as const,
      payload: {},
      history: [],
      finalError: 'HTTP 404',
      errorClass: 'http_404',
      reviewStatus,
      movedAt: new Date(),
    });
    await prisma.deadLetterEntry.createMany({
      data: [entry('dle_1', 'pending'), entry('dle_2', 'pending'), entry('dle_3', 'archived')],
    });
    const dlqReview = services.find((s) => s.name === 'dlq-review')!;
    const samples = await waitFor(async () => {
      const now = await scrapeMetrics(`${dlqReview.url}/metrics`);
      return sampleValue(now, 'dlq_entries', { status: 'pending' }) === 2 ? now : undefined;
    });
    expect(sampleValue(samples, 'dlq_entries', { status: 'archived' })).toBe(1);
    expect(sampleValue(samples, 'dlq_entries', { status: 'resolved' })).toBe(0);
    expect(sampleValue(samples, 'dlq_entries', { status: 'retrying' })).toBe(0);
  });
});
