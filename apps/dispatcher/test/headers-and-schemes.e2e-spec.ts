import type { PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { ServiceProcess, freePort, repoRoot, waitFor, type ServiceName } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestKafka,
  connectTestPrisma,
  createApiKeyRow,
  enqueueDeliveries,
  runProcess,
  serviceEnv,
  uniquePrefix,
  type Behaviour,
  type ReceivedDelivery,
} from '@smart-dairy/testing';
import { WebhookValidator } from '@smart-dairy/webhook-consumer';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

jest.setTimeout(240_000);

const ok: Behaviour = { kind: 'status', status: 200 };
const status = (code: number): Behaviour => ({ kind: 'status', status: code });

interface SubscriptionView {
  id: string;
  signature_scheme: string;
  custom_headers: Record<string, string>;
  secret?: string;
  secret_rotated?: boolean;
  previous_secret_expires_at?: string | null;
}
interface ProblemBody {
  code: string;
  problems: { path: string; message: string }[];
}

/**
 * A subscription's custom headers and signature scheme, end to end: created and changed through the
 * subscriptions API, sent by the dispatcher to a real receiver on every kind of attempt, replayed by
 * dlq-review, and verified by the standardwebhooks package, the consumer package, the CLI and the Python
 * package.
 */
describe('custom headers and signature schemes', () => {
  const prefix = uniquePrefix('sign');
  const logs: string[] = [];
  const services: ServiceProcess[] = [];
  const subscriptions: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'signing-e2e-'));
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let adminKey: string;
  let subscriptionsUrl: string;
  let dlqUrl: string;

  async function start(name: ServiceName, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, {
      port: await freePort(),
      env: serviceEnv(prefix, { LOG_LEVEL: 'trace', ...env }),
      onLine: (line) => logs.push(line),
    }).start();
    services.push(service);
    await service.waitUntilReady();
    return service;
  }

  async function call<T>(base: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }
  const api = <T>(method: string, path: string, body?: unknown) =>
    call<T>(subscriptionsUrl, method, path, body);

  async function subscribe(path: string, body: Record<string, unknown>): Promise<SubscriptionView> {
    const created = await api<SubscriptionView>('POST', '/v1/subscriptions', {
      url: receiver.url(path),
      events: ['order.created'],
      ...body,
    });
    expect(created.status).toBe(201);
    subscriptions.push(created.body.id);
    return created.body;
  }

  /** Enqueues one delivery and waits for this many requests of it at the receiver. */
  async function deliver(subscriptionId: string, path: string, requests = 1): Promise<ReceivedDelivery[]> {
    const [task] = await enqueueDeliveries(prisma, kafka, { subscriptionId, count: 1 });
    return hitsOf(path, task!.deliveryId, requests);
  }

  function hitsOf(path: string, deliveryId: string, requests: number): Promise<ReceivedDelivery[]> {
    return waitFor(
      () => {
        const hits = receiver.hits(path).filter((hit) => hit.deliveryId === deliveryId);
        return hits.length >= requests && hits;
      },
      { timeoutMs: 60_000, description: `${requests} request(s) of ${deliveryId} at ${path}` },
    );
  }

  /**
   * Deliveries until one satisfies `done`: the dispatcher picks a change up when it reads its announcement,
   * a moment after the API answered.
   */
  async function deliverUntil(
    subscriptionId: string,
    path: string,
    done: (hit: ReceivedDelivery) => boolean,
  ): Promise<ReceivedDelivery> {
    return waitFor(
      async () => {
        const [hit] = await deliver(subscriptionId, path);
        return done(hit!) && hit;
      },
      { timeoutMs: 60_000, intervalMs: 0, description: `a delivery to ${path} as expected` },
    );
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    adminKey = await createApiKeyRow(prisma, 'admin', `signing-e2e-${prefix}`);
    const [subscriptionsService, , dlqService] = await Promise.all([
      start('subscriptions', {}),
      start('dispatcher', {
        RETRY_SCHEDULE: '300ms,600ms',
        RETRY_MAX_ATTEMPTS: '3',
        SCHEDULER_INTERVAL_MS: '100',
        BREAKER_VOLUME_THRESHOLD: '100000',
      }),
      start('dlq-review', {}),
    ]);
    subscriptionsUrl = subscriptionsService!.url;
    dlqUrl = dlqService!.url;
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    // The database is shared: leave nothing another suite's ingestion could match (it makes waiting
    // deliveries for a disabled subscription).
    await prisma?.subscription.updateMany({
      where: { id: { in: subscriptions } },
      data: { deletedAt: new Date() },
    });
    await receiver?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  describe('custom headers', () => {
    const credential = `Bearer ${randomBytes(24).toString('hex')}`;
    const region = `region-${randomBytes(4).toString('hex')}`;
    const headersOf = (hit: ReceivedDelivery) => ({
      authorization: hit.headers.authorization,
      region: hit.headers['x-partner-region'],
      signature: hit.headers['x-webhook-signature'],
    });
    let subscription: SubscriptionView;

    it('refuses reserved and malformed headers with a problem naming each', async () => {
      const refused = await api<ProblemBody>('POST', '/v1/subscriptions', {
        url: receiver.url('refused'),
        events: ['order.created'],
        custom_headers: {
          'X-Webhook-Signature': 'sha256=forged',
          'webhook-signature': 'v1,forged',
          'Content-Type': 'text/plain',
          Host: 'elsewhere.example',
          'Transfer-Encoding': 'chunked',
          'Proxy-Authorization': 'Basic eA==',
          'X-Split': 'a\r\nX-Injected: 1',
          Authorization: credential,
        },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
      expect(refused.body.problems.map(({ path }) => path)).toEqual([
        'custom_headers["X-Webhook-Signature"]',
        'custom_headers["webhook-signature"]',
        'custom_headers["Content-Type"]',
        'custom_headers.Host',
        'custom_headers["Transfer-Encoding"]',
        'custom_headers["Proxy-Authorization"]',
        'custom_headers["X-Split"]',
      ]);
      expect(refused.body.problems[0]?.message).toBe(
        'X-Webhook-Signature is set by the platform; a subscription cannot set it',
      );
      expect(refused.body.problems[4]?.message).toBe(
        'Transfer-Encoding is a hop-by-hop header; a subscription cannot set it',
      );
      expect(JSON.stringify(refused.body)).not.toContain(credential);
      const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v']));
      const many = await api<ProblemBody>('POST', '/v1/subscriptions', {
        url: receiver.url('refused'),
        events: ['order.created'],
        custom_headers: tooMany,
      });
      expect(many.body.problems).toEqual([
        { path: 'custom_headers', message: 'at most 20 custom headers, got 21' },
      ]);
    });

    it('stores the values encrypted and shows them masked', async () => {
      subscription = await subscribe('headers', {
        custom_headers: { Authorization: credential, 'X-Partner-Region': region },
      });
      const masked = { Authorization: '********', 'X-Partner-Region': '********' };
      expect(subscription.custom_headers).toEqual(masked);
      const read = await api<SubscriptionView>('GET', `/v1/subscriptions/${subscription.id}`);
      expect(read.body).toMatchObject({ signature_scheme: 'smart-dairy', custom_headers: masked });
      const [row] = await prisma.$queryRaw<{ json: string }[]>`
        SELECT row_to_json(s)::text AS json FROM subscriptions s WHERE id = ${subscription.id}`;
      expect(row?.json).toContain('X-Partner-Region');
      expect(row?.json).not.toContain(credential.slice('Bearer '.length));
      expect(row?.json).not.toContain(region);
    });

    it('sends them on the first attempt and on the retry, beside a valid signature', async () => {
      receiver.endpoint('headers', subscription.secret!, status(503), ok);
      const hits = await deliver(subscription.id, 'headers', 2);
      expect(hits.map((hit) => [hit.attempt, hit.verified])).toEqual([
        [1, true],
        [2, true],
      ]);
      for (const hit of hits) {
        expect(headersOf(hit)).toEqual({
          authorization: credential,
          region,
          signature: expect.stringMatching(/^sha256=/),
        });
      }
    });

    it('sends them on a manual retry, a DLQ replay and a test send', async () => {
      receiver.script('headers', ok);
      const [first] = await deliver(subscription.id, 'headers');
      const retried = await api('POST', `/v1/deliveries/${first!.deliveryId}/retry`);
      expect(retried.status).toBe(202);
      const [, retry] = await hitsOf('headers', first!.deliveryId, 2);

      receiver.script('headers', status(404));
      const [task] = await enqueueDeliveries(prisma, kafka, { subscriptionId: subscription.id, count: 1 });
      const deadLetter = task!.deliveryId;
      const entry = `dlq_${deadLetter.slice('wh_'.length)}`;
      await waitFor(() => prisma.deadLetterEntry.findUnique({ where: { id: entry } }), {
        description: 'the dead letter entry',
      });
      receiver.script('headers', ok);
      const replayed = await call(dlqUrl, 'POST', `/v1/dlq/${entry}/replay`);
      expect(replayed.status).toBe(202);
      const [dead, replay] = await hitsOf('headers', deadLetter, 2);

      const tested = await api<{ delivery_id: string }>('POST', `/v1/subscriptions/${subscription.id}/test`, {
        event: 'order.created',
      });
      expect(tested.status).toBe(202);
      const [test] = await hitsOf('headers', tested.body.delivery_id, 1);

      for (const hit of [retry, dead, replay, test]) {
        expect({ verified: hit!.verified, ...headersOf(hit!) }).toEqual({
          verified: true,
          authorization: credential,
          region,
          signature: expect.stringMatching(/^sha256=/),
        });
      }
      expect([retry!.attempt, replay!.attempt]).toEqual([2, 2]);
    });

    it('keeps a value sent back masked, replaces the rest, and refuses reserved names on update', async () => {
      const refused = await api<ProblemBody>('PATCH', `/v1/subscriptions/${subscription.id}`, {
        custom_headers: { 'X-Webhook-ID': 'mine', 'X-Unknown': '********' },
      });
      expect(refused.body.problems.map(({ path }) => path)).toEqual(['custom_headers["X-Webhook-ID"]']);
      const unknownMask = await api<ProblemBody>('PATCH', `/v1/subscriptions/${subscription.id}`, {
        custom_headers: { 'X-Unknown': '********' },
      });
      expect(unknownMask.body.problems.map(({ path }) => path)).toEqual(['custom_headers["X-Unknown"]']);

      const updated = await api<SubscriptionView>('PATCH', `/v1/subscriptions/${subscription.id}`, {
        custom_headers: { Authorization: '********', 'X-Route': 'blue' },
      });
      expect(updated.body).toMatchObject({
        custom_headers: { Authorization: '********', 'X-Route': '********' },
        secret_rotated: false,
      });
      const hit = await deliverUntil(subscription.id, 'headers', (h) => h.headers['x-route'] === 'blue');
      expect(hit.headers).toMatchObject({ authorization: credential });
      expect(hit.headers).not.toHaveProperty('x-partner-region');
    });

    it('never writes a value to a log line or an audit row', async () => {
      const secretPart = credential.slice('Bearer '.length);
      expect(logs.length).toBeGreaterThan(0);
      // The dispatcher logs each attempt at debug: the capture does hold the deliveries' lines.
      expect(logs.some((line) => line.includes(subscription.id) && line.includes('delivery attempt'))).toBe(
        true,
      );
      expect(logs.filter((line) => line.includes(secretPart) || line.includes(region))).toEqual([]);
      const audit = await prisma.auditLogEntry.findMany({ where: { targetId: subscription.id } });
      expect(audit.map(({ action }) => action)).toEqual(
        expect.arrayContaining(['subscription.created', 'subscription.updated', 'subscription.tested']),
      );
      const details = JSON.stringify(audit.map((entry) => entry.details));
      expect(details).toContain('X-Partner-Region');
      expect(details).not.toContain(secretPart);
      expect(details).not.toContain(region);
    });
  });

  describe('Standard Webhooks', () => {
    const launcher = join(repoRoot, 'apps', 'cli', 'bin', 'smart-dairy-webhooks.cjs');
    const signaturesOf = (hit: ReceivedDelivery) => String(hit.headers['webhook-signature']).split(' ');

    /** The standardwebhooks package's verdict on a delivery as it arrived. */
    function referenceVerifies(secret: string, hit: ReceivedDelivery): boolean {
      try {
        new Webhook(secret).verify(hit.body.toString('utf8'), flat(hit.headers));
        return true;
      } catch {
        return false;
      }
    }

    /** The consumer package's verdict: a fresh validator, as the partner's own endpoint would have. */
    async function consumerVerifies(secret: string, hit: ReceivedDelivery): Promise<boolean> {
      return (await new WebhookValidator({ secret }).validate(hit.headers, hit.body)).valid;
    }

    /** The `verify` verdicts of the CLI and of the Python package on the captured delivery. */
    async function commandVerdicts(secret: string, hit: ReceivedDelivery) {
      const headers = join(work, `${hit.deliveryId}-${hit.attempt}-headers.json`);
      const body = join(work, `${hit.deliveryId}-${hit.attempt}-body.json`);
      writeFileSync(headers, JSON.stringify(hit.headers));
      writeFileSync(body, hit.body);
      const args = ['verify', '--secret', secret, '--headers', headers, '--body', body];
      const verdict = ({ stdout }: { stdout: string }) =>
        stdout.startsWith('valid: ') ? 'valid' : (/^invalid: (\w+)/.exec(stdout)?.[1] ?? stdout);
      const [cli, python] = await Promise.all([
        runProcess(process.execPath, [launcher, ...args], { cwd: repoRoot }),
        runProcess('python3', ['-m', 'smart_dairy_webhooks', ...args], {
          cwd: repoRoot,
          env: { PYTHONPATH: join(repoRoot, 'sdks', 'python', 'src') },
        }),
      ]);
      return { cli: verdict(cli), python: verdict(python) };
    }

    async function verdicts(secret: string, hit: ReceivedDelivery) {
      return {
        standardwebhooks: referenceVerifies(secret, hit),
        consumer: await consumerVerifies(secret, hit),
        ...(await commandVerdicts(secret, hit)),
      };
    }
    const accepted = { standardwebhooks: true, consumer: true, cli: 'valid', python: 'valid' };
    const refused = {
      standardwebhooks: false,
      consumer: false,
      cli: 'signature_mismatch',
      python: 'signature_mismatch',
    };

    it('signs with Standard Webhooks before, during and after a rotation, verified by each verifier', async () => {
      const subscription = await subscribe('standard', { signature_scheme: 'standard-webhooks' });
      const first = subscription.secret!;
      expect(subscription.signature_scheme).toBe('standard-webhooks');
      expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      receiver.endpoint('standard', first);

      const [before] = await deliver(subscription.id, 'standard');
      expect(before!.headers).toMatchObject({
        'webhook-id': before!.deliveryId,
        'webhook-timestamp': expect.stringMatching(/^\d+$/),
        'x-event-type': 'order.created',
      });
      expect(before!.headers).not.toHaveProperty('x-webhook-signature');
      expect(signaturesOf(before!)).toEqual([expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/)]);
      expect(await verdicts(first, before!)).toEqual(accepted);

      const graceSeconds = 15;
      const rotated = await api<{
        secret: string;
        previous_secret: string;
        previous_secret_expires_at: string;
      }>('POST', `/v1/subscriptions/${subscription.id}/rotate-secret`, {
        grace_period_seconds: graceSeconds,
      });
      const second = rotated.body.secret;
      expect(second).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(rotated.body.previous_secret).toBe(first);

      // During the grace period, one signature per valid secret: a partner holding either accepts it.
      const during = await deliverUntil(subscription.id, 'standard', (hit) => signaturesOf(hit).length === 2);
      expect(signaturesOf(during)).toEqual([expect.stringMatching(/^v1,/), expect.stringMatching(/^v1,/)]);
      expect(await verdicts(first, during)).toEqual(accepted);
      expect(await verdicts(second, during)).toEqual(accepted);

      const expiresAt = Date.parse(rotated.body.previous_secret_expires_at);
      await waitFor(() => Date.now() > expiresAt, {
        timeoutMs: (graceSeconds + 5) * 1000,
        description: 'the end of the grace period',
      });
      const [after] = await deliver(subscription.id, 'standard');
      expect(signaturesOf(after!)).toHaveLength(1);
      expect(await verdicts(second, after!)).toEqual(accepted);
      expect(await verdicts(first, after!)).toEqual(refused);
    });

    it('choosing standard-webhooks for an existing subscription rotates its secret and says so', async () => {
      const subscription = await subscribe('switched', {});
      expect(subscription.signature_scheme).toBe('smart-dairy');
      const platformSecret = subscription.secret!;
      receiver.endpoint('switched', platformSecret);
      const [before] = await deliver(subscription.id, 'switched');
      expect(before!.headers['x-webhook-signature']).toMatch(/^sha256=/);

      const switched = await api<SubscriptionView>('PATCH', `/v1/subscriptions/${subscription.id}`, {
        signature_scheme: 'standard-webhooks',
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({
        signature_scheme: 'standard-webhooks',
        secret_rotated: true,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        previous_secret_expires_at: expect.any(String),
      });
      const standardSecret = switched.body.secret!;
      const secrets = await api<{ secret: string; previous_secret: string }>(
        'GET',
        `/v1/subscriptions/${subscription.id}/secret`,
      );
      expect(secrets.body).toMatchObject({ secret: standardSecret, previous_secret: platformSecret });
      const again = await api<SubscriptionView>('PATCH', `/v1/subscriptions/${subscription.id}`, {
        signature_scheme: 'standard-webhooks',
      });
      expect(again.body).toMatchObject({ secret_rotated: false });
      expect(again.body).not.toHaveProperty('secret');

      receiver.endpoint('switched', standardSecret);
      const after = await deliverUntil(
        subscription.id,
        'switched',
        (hit) => 'webhook-signature' in hit.headers,
      );
      // The platform's old secret cannot sign Standard Webhooks: the new one alone signs.
      expect(signaturesOf(after)).toHaveLength(1);
      expect(after.headers).not.toHaveProperty('x-webhook-signature');
      expect(await verdicts(standardSecret, after)).toEqual(accepted);
    });
  });
});

/** Node's request headers as the standardwebhooks package takes them: one string per name. */
function flat(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
}
