import type { PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import {
  connectTestKafka,
  createSubscriptionRow,
  serviceEnv,
  uniquePrefix,
  type Behaviour,
  type TestReceiver,
} from '@smart-dairy/testing';

/** Scaled-down retries so a test sees the whole schedule in about a second. */
export const FAST_RETRIES = {
  RETRY_SCHEDULE: '300ms,600ms',
  RETRY_MAX_ATTEMPTS: '3',
  SCHEDULER_INTERVAL_MS: '100',
  DELIVERY_TIMEOUT_MS: '1500',
  DELIVERY_CONNECT_TIMEOUT_MS: '1000',
};

/** A dispatcher process with topics of its own, and the means to feed and inspect it. */
export class DispatcherFixture {
  readonly prefix: string;
  kafka!: KafkaClient;
  service!: ServiceProcess;
  readonly logs: string[] = [];

  constructor(
    label: string,
    private readonly prisma: PrismaService,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.prefix = uniquePrefix(label);
  }

  async start(): Promise<this> {
    this.kafka ??= await connectTestKafka(this.prefix);
    this.service = new ServiceProcess('dispatcher', {
      port: await freePort(),
      env: serviceEnv(this.prefix, this.env),
      onLine: (line) => this.logs.push(line),
    }).start();
    await this.service.waitUntilReady();
    return this;
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.kafka?.disconnect();
  }

  /** A subscription whose endpoint is a path on the receiver, scripted with these behaviours. */
  async subscribe(receiver: TestReceiver, path: string, ...script: Behaviour[]) {
    const sub = await createSubscriptionRow(this.prisma, {
      events: ['order.created'],
      url: receiver.url(path),
    });
    receiver.endpoint(path, sub.secret, ...script);
    return sub;
  }

  /** Waits until the delivery reaches a final state and returns it with its attempts. */
  async settled(deliveryId: string, timeoutMs = 30_000) {
    return waitFor(
      async () => {
        const row = await this.prisma.delivery.findUnique({
          where: { id: deliveryId },
          include: { attempts: { orderBy: { attempt: 'asc' } } },
        });
        return row && (row.status === 'delivered' || row.status === 'dead_lettered') ? row : undefined;
      },
      { timeoutMs, intervalMs: 100, description: `delivery ${deliveryId} to settle` },
    );
  }
}
