import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import type { Message } from 'kafkajs';
import { deliveryTaskCodec, type DeliveryTask } from './delivery-task';

export const DELIVERY_TOPICS = {
  high: INTERNAL_TOPICS.deliveriesHigh,
  medium: INTERNAL_TOPICS.deliveriesMedium,
  low: INTERNAL_TOPICS.deliveriesLow,
} as const;

/**
 * Hands delivery tasks to the dispatcher in one produce request: each on its priority's topic,
 * keyed by subscription id so one dispatcher replica owns an endpoint's deliveries. Resolves
 * once Kafka has acknowledged them all.
 */
export async function publishDeliveryTasks(
  kafka: KafkaClient,
  tasks: readonly DeliveryTask[],
): Promise<void> {
  if (tasks.length === 0) return;
  const byTopic = new Map<string, Message[]>();
  for (const task of tasks) {
    const topic = kafka.topic(DELIVERY_TOPICS[task.priority]);
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key: task.subscriptionId, value: deliveryTaskCodec.encode(task) });
    byTopic.set(topic, messages);
  }
  await kafka.producer.sendBatch({
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
}
