import type { PrismaService, SubscriptionOrdering } from '@smart-dairy/db';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { deadLetterCodec } from '@smart-dairy/messages';
import { EventPublisher } from '@smart-dairy/producer';
import { deliveryIdFor, matchesFilter, type EventType } from '@smart-dairy/schemas';
import { BROKER_ADMIN, ServiceProcess, freePort, waitFor, type ServiceName } from '@smart-dairy/stack';
import {
  TEST_PARTITIONS,
  TestReceiver,
  TopicReader,
  createSubscriptionRow,
  serviceEnv,
  uniquePrefix,
  type Behaviour,
  type ReceivedDelivery,
} from '@smart-dairy/testing';
import pino from 'pino';
import { ArrivalProxy } from './arrival-proxy';
import { chaosBroker } from './chaos-broker';
import { createChaosDatabase } from './chaos-database';
import { computeLedger, type ExpectedPair, type Ledger, type Receipt } from './ledger';
import { EVENT_ID_FIELD, runLoad, type LoadPlan, type LoadResult } from './load';
import { sleep } from './util';

export interface EndpointPlan {
  path: string;
  events: string[];
  /** What the endpoint does, request by request (the last behaviour repeats); 200 when omitted. */
  script?: Behaviour[];
  rateLimitPerSecond?: number;
  /** Requests pass through an ArrivalProxy, whose times `arrivals(path)` gives. */
  timedArrivals?: boolean;
  /** Ordered delivery per key (docs/protocol.md#ordered-delivery); unordered when omitted. */
  ordering?: SubscriptionOrdering;
}

export interface StackOptions {
  label: string;
  endpoints: EndpointPlan[];
  /** Extra environment for the services. */
  env?: NodeJS.ProcessEnv;
  dispatchers?: number;
}

/** Retries scaled down so every failure resolves within a scenario. */
const CHAOS_ENV: NodeJS.ProcessEnv = {
  RETRY_SCHEDULE: '200ms,400ms,800ms',
  RETRY_MAX_ATTEMPTS: '5',
  SCHEDULER_INTERVAL_MS: '100',
  DELIVERY_TIMEOUT_MS: '2000',
  DELIVERY_CONNECT_TIMEOUT_MS: '1000',
  BREAKER_RESET_TIMEOUT_MS: '1000',
  SHUTDOWN_TIMEOUT_MS: '15000',
  LOG_LEVEL: 'warn',
};

const LOG_TAIL = 5_000;
const QUIET_MS = 1_500;

interface Subscription extends EndpointPlan {
  id: string;
}

/** A script an endpoint followed from its `fromHit`-th request on. */
interface ScriptSegment {
  path: string;
  fromHit: number;
  script: Behaviour[];
}

export interface TimedReceipt extends Receipt {
  path: string;
  receivedAt: number;
}

export interface PublishedEvent {
  id: string;
  type: EventType;
  /** The Kafka key a keyed load gave it (see LoadPlan.keys). */
  key?: string;
  /** When Kafka acknowledged it. */
  at: number;
}

/**
 * One scenario's platform: its own topics on the chaos broker, its own database, the endpoints on a
 * TestReceiver, ingestion and the dispatcher(s) as real processes, and what the ledger needs: every event
 * published, every request received, every dead letter.
 */
export class ChaosStack {
  readonly prefix: string;
  readonly receiver = new TestReceiver();
  readonly logs: string[] = [];
  /** Exits the stack did not ask for, e.g. `dispatcher exited with 1`. */
  readonly unexpectedExits: string[] = [];
  ingestion!: ServiceProcess;
  dispatchers: ServiceProcess[] = [];
  kafka!: KafkaClient;
  prisma!: PrismaService;
  /** The stack's database on the chaos Postgres server. */
  databaseName!: string;
  publisher!: EventPublisher;
  private subscriptions: Subscription[] = [];
  private readonly published: PublishedEvent[] = [];
  private readonly segments: ScriptSegment[] = [];
  private readonly stopping = new Set<ServiceProcess>();
  private readonly proxies = new Map<string, ArrivalProxy>();
  private deadLetters!: TopicReader;
  private dropDatabase: () => Promise<void> = async () => undefined;
  private env: NodeJS.ProcessEnv = {};

  private constructor(private readonly options: StackOptions) {
    this.prefix = uniquePrefix(`chaos-${options.label}-`);
  }

  static async start(options: StackOptions): Promise<ChaosStack> {
    const stack = new ChaosStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.stop().catch(() => undefined);
      throw error;
    }
    return stack;
  }

  get services(): ServiceProcess[] {
    return [this.ingestion, ...this.dispatchers];
  }

  dispatcher(index = 0): ServiceProcess {
    const service = this.dispatchers[index];
    if (!service) throw new Error(`no dispatcher #${index}`);
    return service;
  }

  private async boot(): Promise<void> {
    this.kafka = new KafkaClient(
      {
        brokers: chaosBroker.brokers,
        clientId: `chaos-${this.prefix}`,
        topicPrefix: this.prefix,
        partitions: TEST_PARTITIONS,
        replicationFactor: 1,
        // The harness reads the dead letters and creates the topics: the broker's super user when secured.
        security: chaosBroker.security(BROKER_ADMIN),
      },
      pino({ level: 'silent' }),
    );
    await chaosBroker.grantAcls(this.prefix);
    await this.kafka.connect();
    // Right after the broker starts, waiting for the new topics' leaders can fail with "does not host
    // this topic-partition"; the topics are there a moment later.
    await waitFor(() => this.kafka.ensureTopics().then(() => true), {
      timeoutMs: 30_000,
      intervalMs: 1_000,
      description: 'the topic layout',
    });
    this.publisher = EventPublisher.fromKafka(this.kafka);
    const database = await createChaosDatabase();
    this.prisma = database.prisma;
    this.databaseName = database.name;
    this.dropDatabase = database.drop;
    await this.receiver.start();
    for (const plan of this.options.endpoints) {
      let url = this.receiver.url(plan.path);
      if (plan.timedArrivals) {
        const proxy = await ArrivalProxy.start(new URL(url).origin);
        this.proxies.set(plan.path, proxy);
        url = `${proxy.origin}/${plan.path}`;
      }
      const row = await createSubscriptionRow(this.prisma, {
        events: plan.events,
        url,
        rateLimitPerSecond: plan.rateLimitPerSecond,
        ordering: plan.ordering,
      });
      this.receiver.endpoint(plan.path, row.secret, ...(plan.script ?? []));
      this.segments.push({ path: plan.path, fromHit: 0, script: plan.script ?? [] });
      this.subscriptions.push({ ...plan, id: row.id });
    }
    this.deadLetters = await new TopicReader(this.kafka, [INTERNAL_TOPICS.deadLetter]).start();
    this.env = serviceEnv(this.prefix, {
      ...CHAOS_ENV,
      DATABASE_URL: database.url,
      ...this.options.env,
    });
    this.ingestion = await this.service('ingestion');
    this.dispatchers = await Promise.all(
      Array.from({ length: this.options.dispatchers ?? 1 }, (_, i) => this.dispatcherService(i)),
    );
    await Promise.all(this.services.map((s) => this.launch(s)));
  }

  /** Starts one more dispatcher in the group; resolves once it is ready. */
  async addDispatcher(): Promise<ServiceProcess> {
    const dispatcher = await this.dispatcherService(this.dispatchers.length);
    this.dispatchers.push(dispatcher);
    await this.launch(dispatcher);
    return dispatcher;
  }

  /** Its Kafka client id (`dispatcher-<index>`) tells the group's members apart. */
  private dispatcherService(index: number): Promise<ServiceProcess> {
    return this.service('dispatcher', { KAFKA_CLIENT_ID: `dispatcher-${index}` });
  }

  private async service(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
    const port = await freePort();
    return new ServiceProcess(name, {
      port,
      env: { ...this.env, ...chaosBroker.env(name), ...env },
      onLine: (line) => {
        this.logs.push(`${name}:${port} ${line}`);
        if (this.logs.length > LOG_TAIL) this.logs.splice(0, this.logs.length - LOG_TAIL);
      },
    });
  }

  /** Starts a service (again) and waits for /ready; an exit nobody asked for is recorded. */
  async launch(service: ServiceProcess): Promise<void> {
    this.stopping.delete(service);
    service.start();
    const pid = service.pid;
    void service.waitForExit().then((code) => {
      if (!this.stopping.has(service))
        this.unexpectedExits.push(`${service.name} (pid ${pid}) exited with ${code}`);
    });
    await service.waitUntilReady(90_000);
  }

  async stopService(service: ServiceProcess, signal: NodeJS.Signals): Promise<void> {
    this.stopping.add(service);
    await service.stop(signal);
  }

  /** Kills or stops a service, waits, starts it again; resolves with how long it took to exit and to be ready. */
  async restart(
    service: ServiceProcess,
    signal: NodeJS.Signals,
    pauseMs: number,
  ): Promise<{ stopMs: number; readyMs: number }> {
    const stopping = Date.now();
    await this.stopService(service, signal);
    const stopMs = Date.now() - stopping;
    await sleep(pauseMs);
    const started = Date.now();
    await this.launch(service);
    return { stopMs, readyMs: Date.now() - started };
  }

  /** Publishes at a steady rate; `name` sets apart the ids of a second load in one run. */
  load({
    name = '',
    ...plan
  }: Omit<LoadPlan, 'onPublished' | 'runId'> & { name?: string }): Promise<LoadResult> {
    return runLoad(this.publisher, {
      ...plan,
      runId: this.eventId(name),
      onPublished: (events) => this.owe(events),
    });
  }

  /** An event id that carries this run's prefix, so no two runs publish the same id. */
  eventId(name: string): string {
    return `evt-${this.prefix}${name}`;
  }

  /** Records acknowledged events, also those published some other way (HTTP), as owed. */
  owe(events: readonly Omit<PublishedEvent, 'at'>[]): void {
    const at = Date.now();
    for (const event of events) this.published.push({ ...event, at });
  }

  get events(): readonly PublishedEvent[] {
    return this.published;
  }

  /** Changes what an endpoint does from its next request on, keeping track for the ledger. */
  rescript(path: string, ...script: Behaviour[]): void {
    this.segments.push({ path, fromHit: this.receiver.hits(path).length, script });
    this.receiver.script(path, ...script);
  }

  subscriptionOf(path: string): string {
    const sub = this.subscriptions.find((s) => s.path === path);
    if (!sub) throw new Error(`no endpoint ${path}`);
    return sub.id;
  }

  expectedPairs(): ExpectedPair[] {
    return this.published.flatMap(({ id, type }) =>
      this.subscriptions
        .filter((s) => s.events.some((filter) => matchesFilter(filter, type)))
        .map((s) => ({ eventId: id, subscriptionId: s.id, deliveryId: deliveryIdFor({ type, id }, s.id) })),
    );
  }

  /** When each request to an endpoint planned with `timedArrivals` reached it, in arrival order. */
  arrivals(path: string): readonly number[] {
    const proxy = this.proxies.get(path);
    if (!proxy) throw new Error(`endpoint ${path} was not planned with timedArrivals`);
    return proxy.arrivals;
  }

  /** Every request received, as the ledger sees it, with where and when. */
  receipts(): TimedReceipt[] {
    const hitIndex = new Map<string, number>();
    return this.receiver.received.map((r) => {
      const index = hitIndex.get(r.path) ?? 0;
      hitIndex.set(r.path, index + 1);
      const behaviour = this.behaviourAt(r.path, index);
      return {
        eventId: eventIdOf(r),
        subscriptionId: String((r.envelope as { webhook_id?: unknown }).webhook_id),
        webhookId: r.deliveryId,
        // The replay guard refuses a second copy signed in the same second, after checking its signature.
        signatureValid: r.verified || r.reason === 'replayed',
        accepted: behaviour === undefined || answersSuccess(behaviour),
        path: r.path,
        receivedAt: r.receivedAt,
      };
    });
  }

  /** What the endpoint answered to its `hit`-th request. */
  private behaviourAt(path: string, hit: number): Behaviour | undefined {
    const segment = this.segments.findLast((s) => s.path === path && s.fromHit <= hit);
    if (!segment || segment.script.length === 0) return undefined;
    return segment.script[Math.min(hit - segment.fromHit, segment.script.length - 1)];
  }

  ledger(): Ledger {
    const deadLetters = this.deadLetters.values((v) => {
      const decoded = deadLetterCodec.decode(v);
      if (!decoded.ok) throw new Error(`unreadable dead letter: ${decoded.error}`);
      return { deliveryId: decoded.value.deliveryId, reason: decoded.value.reason };
    });
    return computeLedger(this.expectedPairs(), this.receipts(), deadLetters);
  }

  /** Waits until no pair is missing (or the timeout), then a little longer for late duplicates. */
  async settle(timeoutMs: number): Promise<Ledger> {
    await waitFor(() => this.ledger().missing === 0, {
      timeoutMs,
      intervalMs: 500,
      description: 'every pair delivered or dead-lettered',
    }).catch(() => undefined);
    await sleep(QUIET_MS);
    return this.ledger();
  }

  /** Time of the first receipt at or after `since`, at any endpoint or at `path`. */
  firstReceiptAfter(since: number, timeoutMs = 120_000, path?: string): Promise<number> {
    return waitFor(
      () => {
        let first: number | undefined;
        // Receipts are in arrival order: only the tail after `since` is looked at.
        for (const r of [...this.receiver.received].reverse()) {
          if (r.receivedAt < since) break;
          if (path === undefined || r.path === path) first = r.receivedAt;
        }
        return first;
      },
      { timeoutMs, intervalMs: 20, description: 'a delivery' },
    );
  }

  /** When the first delivery of an event published after `since` arrived: ingestion was working again. */
  firstDeliveryOfEventAfter(since: number, timeoutMs = 120_000): Promise<number> {
    return waitFor(
      () => {
        const later = new Set(this.published.filter((e) => e.at >= since).map((e) => e.id));
        return this.receiver.received.find((r) => later.has(eventIdOf(r)))?.receivedAt;
      },
      {
        timeoutMs,
        intervalMs: 250,
        description: 'a delivery of an event published after the fault',
      },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.filter(Boolean).map((s) => this.stopService(s, 'SIGTERM')));
    await this.deadLetters?.stop();
    await this.receiver.stop();
    for (const proxy of this.proxies.values()) proxy.stop();
    await this.kafka?.disconnect();
    await this.dropDatabase();
  }
}

function eventIdOf(receipt: ReceivedDelivery): string {
  return String((receipt.envelope as { data?: Record<string, unknown> }).data?.[EVENT_ID_FIELD]);
}

function answersSuccess(behaviour: Behaviour): boolean {
  if (behaviour.kind === 'status') return behaviour.status >= 200 && behaviour.status < 300;
  return behaviour.kind === 'huge-body' || behaviour.kind === 'trickle';
}

/** The HTTP status of /ready, 0 when the service does not answer within a few seconds. */
export async function readyStatus(service: ServiceProcess): Promise<number> {
  try {
    const res = await fetch(`${service.url}/ready`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
