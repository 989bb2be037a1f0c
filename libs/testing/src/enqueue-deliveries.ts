import { DeliveryStatus, type PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import { EVENT_CATALOG, categoryOf, deliveryIdFor, type EventType } from '@smart-dairy/schemas';
import { randomUUID } from 'node:crypto';

export interface EnqueueOptions {
  subscriptionId: string;
  count: number;
  eventType?: EventType;
  priority?: DeliveryTask['priority'];
  /** False: the rows only, as if the process died between Postgres and Kafka. */
  publish?: boolean;
  /** When the pending deliveries' lease ends (see PENDING_DELIVERY_LEASE_MS); none by default. */
  leaseEndsAt?: Date;
  /** The events' data; the catalog's sample of the type by default. */
  data?: Record<string, unknown>;
  /** When the events occurred (their timestamp); now by default. */
  occurredAt?: Date;
  /**
   * For a subscription with per_key ordering: the events' key, and the offset of the first on partition 0
   * of its category topic (the others follow it); unordered deliveries by default.
   */
  ordering?: { key: string; firstOffset: number };
}

/** A delivery enqueued for a test, with the event content stored for it. */
export interface EnqueuedDelivery extends DeliveryTask {
  eventId: string;
  eventType: EventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Stands in for ingestion in dispatcher tests: stores events and pending deliveries the way
 * ingestion does and puts one task per delivery on the delivery topic.
 */
export async function enqueueDeliveries(
  prisma: PrismaService,
  kafka: KafkaClient,
  {
    subscriptionId,
    count,
    eventType = 'order.created',
    priority = 'high',
    publish = true,
    leaseEndsAt,
    data = EVENT_CATALOG[eventType].sample as Record<string, unknown>,
    occurredAt: occurred = new Date(),
    ordering,
  }: EnqueueOptions,
): Promise<EnqueuedDelivery[]> {
  const run = randomUUID().slice(0, 8);
  const occurredAt = occurred.toISOString();
  const tasks: EnqueuedDelivery[] = Array.from({ length: count }, (_, i) => {
    const eventId = `evt-test-${run}-${i}`;
    return {
      deliveryId: deliveryIdFor({ type: eventType, id: eventId }, subscriptionId),
      eventId,
      eventType,
      subscriptionId,
      priority,
      occurredAt,
      data,
    };
  });
  await prisma.event.createMany({
    data: tasks.map((t, i) => ({
      category: categoryOf(eventType),
      id: t.eventId,
      type: eventType,
      occurredAt: new Date(occurredAt),
      occurredAtText: occurredAt,
      data: data as object,
      dataJson: JSON.stringify(data),
      partitionKey: ordering?.key ?? null,
      sourceTopic: 'test',
      sourcePartition: 0,
      sourceOffset: String((ordering?.firstOffset ?? 0) + i),
    })),
  });
  await prisma.delivery.createMany({
    data: tasks.map((t, i) => ({
      id: t.deliveryId,
      eventCategory: categoryOf(eventType),
      eventId: t.eventId,
      subscriptionId,
      eventType,
      priority,
      status: DeliveryStatus.pending,
      nextAttemptAt: leaseEndsAt ?? null,
      ...(ordering && {
        orderKey: ordering.key,
        orderPartition: 0,
        orderOffset: BigInt(ordering.firstOffset + i),
      }),
    })),
  });
  if (!publish) return tasks;
  for (let i = 0; i < tasks.length; i += 1_000) await publishDeliveryTasks(kafka, tasks.slice(i, i + 1_000));
  return tasks;
}
