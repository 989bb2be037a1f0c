import type { PrismaService } from '@smart-dairy/db';
import { ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import { TcpFaultProxy, connectTestPrisma, serviceEnv, uniquePrefix } from '@smart-dairy/testing';

jest.setTimeout(120_000);

describe('/ready with a dependency that became unreachable', () => {
  let prisma: PrismaService;
  let proxy: TcpFaultProxy;
  let proxyPort: number;
  let service: ServiceProcess;
  const lines: string[] = [];

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    const database = new URL(process.env.DATABASE_URL as string);
    proxy = new TcpFaultProxy({ host: database.hostname, port: Number(database.port || 5432) });
    proxyPort = await proxy.start();
    service = new ServiceProcess('ingestion', {
      port: await freePort(),
      // Through the proxy, as a user whose name must not reach /ready's answer.
      env: serviceEnv(uniquePrefix('ready'), { DATABASE_URL: proxy.proxied(database.toString(), proxyPort) }),
      onLine: (line) => lines.push(line),
    }).start();
    await service.waitUntilReady();
  });

  afterAll(async () => {
    await service?.stop();
    await prisma?.$disconnect();
    await proxy?.stop();
  });

  it('names the failing check and a stable reason, and logs the raw error, not on every poll', async () => {
    proxy.refuse();
    const answers: string[] = [];
    const pollUntil = (count: number) =>
      waitFor(
        async () => {
          const res = await fetch(`${service.url}/ready`);
          if (res.status === 503) answers.push(await res.text());
          return answers.length >= count;
        },
        { timeoutMs: 60_000, intervalMs: 200, description: `${count} answers of an unready service` },
      );
    const logged = () => lines.filter((line) => line.includes('readiness check postgres fails'));

    await pollUntil(30);
    expect(logged()).toHaveLength(1);

    for (const answer of answers) {
      expect(JSON.parse(answer)).toEqual({
        ready: false,
        checks: { postgres: { ok: false, reason: 'unavailable' }, kafka: { ok: true } },
      });
      expect(answer).not.toContain(String(proxyPort));
    }
    expect(JSON.parse(logged()[0] as string)).toMatchObject({
      level: 'warn',
      check: 'postgres',
      err: { message: expect.any(String) },
    });
  });
});
