import { Injectable } from '@nestjs/common';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { deliveryTaskCodec, type DeliveryTask } from '@smart-dairy/messages';
import type { Message } from 'kafkajs';
import type { ReplayRow } from '../entries/entry-store';
import { storedPayloadSchema } from '../entries/entry-view';

const DELIVERY_TOPIC = {
  high: INTERNAL_TOPICS.deliveriesHigh,
  medium: INTERNAL_TOPICS.deliveriesMedium,
  low: INTERNAL_TOPICS.deliveriesLow,
} as const;

/**
 * A replay is the delivery's own task again, marked `replay`: the dispatcher sends it whatever the
 * delivery's status, under the same delivery id (so the same `X-Webhook-ID`), with a fresh retry budget.
 */
export function replayTaskOf(row: ReplayRow): DeliveryTask {
  const payload = storedPayloadSchema.parse(row.payload);
  return {
    deliveryId: row.deliveryId,
    eventId: row.eventId,
    eventType: row.eventType,
    subscriptionId: row.subscriptionId,
    priority: row.priority,
    occurredAt: payload.timestamp,
    data: payload.data,
    replay: true,
  };
}

@Injectable()
export class ReplayTasks {
  constructor(private readonly kafka: KafkaClient) {}

  /** One produce request for all, keyed by subscription id like every delivery task. */
  async send(rows: readonly ReplayRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const task of rows.map(replayTaskOf)) {
      const topic = this.kafka.topic(DELIVERY_TOPIC[task.priority]);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: task.subscriptionId, value: deliveryTaskCodec.encode(task) });
      byTopic.set(topic, messages);
    }
    await this.kafka.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
