import { DeliveryStatus, Priority, utcTimestamp, type PrismaService } from '@smart-dairy/db';
import { waitFor } from '@smart-dairy/stack';
import { randomBytes } from 'node:crypto';

export const newDeliveryId = () => `wh_${randomBytes(16).toString('hex')}`;

/** Retention sweeps every 200 ms, two rows a step (so that any table takes several), without pauses. */
export const FAST_RETENTION: NodeJS.ProcessEnv = {
  RETENTION_INTERVAL_MS: '200',
  RETENTION_BATCH_SIZE: '2',
  RETENTION_BATCH_PAUSE_MS: '0',
  RETENTION_BUSY_SHARE: '1',
};

/** The instant `ms` before now. */
export const ago = (ms: number) => new Date(Date.now() - ms);

export interface StoredEventKey {
  category: string;
  id: string;
}

/** An `order.created` event stored as ingestion stores it, received at `receivedAt`. */
export async function storeEvent(prisma: PrismaService, receivedAt: Date): Promise<StoredEventKey> {
  const key = { category: 'order', id: `evt-aged-${randomBytes(8).toString('hex')}` };
  const data = { order_id: key.id };
  await prisma.event.create({
    data: {
      ...key,
      type: 'order.created',
      occurredAt: receivedAt,
      occurredAtText: receivedAt.toISOString(),
      data,
      dataJson: JSON.stringify(data),
      sourceTopic: 'test',
      sourcePartition: 0,
      sourceOffset: '0',
      receivedAt,
    },
  });
  return key;
}

export interface AgedDelivery {
  /** Its id; a new one by default. */
  id?: string;
  subscriptionId: string;
  status: DeliveryStatus;
  createdAt: Date;
  /** Its last change (delivered, dead-lettered); `createdAt` by default. */
  updatedAt?: Date;
  /** Attempt rows it has. */
  attempts?: number;
}

/**
 * A delivery with the times given, as if it had lived that long, and its event, received when the delivery
 * was created. A waiting one is due far in the future, so that no retry scheduler takes it while a test
 * looks at it.
 */
export async function storeDelivery(prisma: PrismaService, delivery: AgedDelivery): Promise<string> {
  const { subscriptionId, status, createdAt, updatedAt = createdAt, attempts = 1 } = delivery;
  // Received now, and only aged once the delivery refers to it: a running sweep never sees it alone.
  const event = await storeEvent(prisma, new Date());
  const id = delivery.id ?? newDeliveryId();
  await prisma.delivery.create({
    data: {
      id,
      eventCategory: event.category,
      eventId: event.id,
      subscriptionId,
      eventType: 'order.created',
      priority: Priority.high,
      status,
      attemptCount: attempts,
      nextAttemptAt: status === DeliveryStatus.retrying ? new Date(Date.now() + 86_400_000) : null,
      attempts: {
        create: Array.from({ length: attempts }, (_, i) => ({
          attempt: i + 1,
          statusCode: 503,
          latencyMs: 5,
          startedAt: createdAt,
          finishedAt: createdAt,
        })),
      },
    },
  });
  // Prisma stamps updated_at itself on every write: the times are set afterwards, in SQL.
  await prisma.$executeRaw`UPDATE "deliveries"
    SET "created_at" = ${utcTimestamp(createdAt)}, "updated_at" = ${utcTimestamp(updatedAt)} WHERE "id" = ${id}`;
  await prisma.$executeRaw`UPDATE "events" SET "received_at" = ${utcTimestamp(createdAt)}
    WHERE "category" = ${event.category} AND "id" = ${event.id}`;
  return id;
}

/** Reads a counter's value for these labels from a service's /metrics (0 while the series is absent). */
export async function scrapeCounter(
  serviceUrl: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [series, value] = line.split(' ');
    if (wanted.every((pair) => series?.includes(pair))) return Number(value);
  }
  return 0;
}

/**
 * Waits until the service swept `table` `count` more times from start to end: the first may have begun
 * before the caller's rows were there, a later one began after.
 */
export async function awaitSweeps(serviceUrl: string, table: string, count = 2): Promise<void> {
  const sweeps = () => scrapeCounter(serviceUrl, 'retention_sweeps_total', { table });
  const target = (await sweeps()) + count;
  await waitFor(async () => (await sweeps()) >= target, {
    timeoutMs: 30_000,
    intervalMs: 100,
    description: `${count} retention sweeps of ${table}`,
  });
}

/** A row a retention test made, and whether the sweep must keep it. */
export interface RetentionCase {
  id: string;
  kept: boolean;
}

/**
 * Waits for two sweeps of `table` by the service, then tells for each named case whether its row is still
 * there (`kept`, from the ids `left` finds among the cases' ids) and whether it should be (`expected`).
 */
export async function verdictsAfterSweeps(
  serviceUrl: string,
  table: string,
  cases: Readonly<Record<string, RetentionCase>>,
  left: (ids: string[]) => Promise<string[]>,
): Promise<{ kept: Record<string, boolean>; expected: Record<string, boolean> }> {
  await awaitSweeps(serviceUrl, table);
  const entries = Object.entries(cases);
  const remaining = new Set(await left(entries.map(([, c]) => c.id)));
  return {
    kept: Object.fromEntries(entries.map(([name, c]) => [name, remaining.has(c.id)])),
    expected: Object.fromEntries(entries.map(([name, c]) => [name, c.kept])),
  };
}
