import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import type { Message } from 'kafkajs';
import { deliveryTaskCodec, type DeliveryTask } from './delivery-task';

export const DELIVERY_TOPICS = {
  high: INTERNAL_TOPICS.deliveriesHigh,
  medium: INTERNAL_TOPICS.deliveriesMedium,
  low: INTERNAL_TOPICS.deliveriesLow,
} as const;

/**
 * Bytes of task values per produce request. kafkajs puts all of a request's messages for one
 * partition in one record batch, and the broker refuses a batch over `message.max.bytes` (1 MiB by
 * default) however often it is retried; a request under the limit keeps every partition's batch under it.
 */
export const MAX_REQUEST_BYTES = 768 * 1024;

/**
 * Hands delivery tasks to the dispatcher: each on its priority's topic, keyed by subscription id
 * so one dispatcher replica owns an endpoint's deliveries, in as few produce requests as the size
 * limit allows, one after the other (so an endpoint's tasks keep their order). Resolves once Kafka
 * has acknowledged them all.
 */
export async function publishDeliveryTasks(
  kafka: Pick<KafkaClient, 'topic' | 'producer'>,
  tasks: readonly DeliveryTask[],
): Promise<void> {
  let request = new Map<string, Message[]>();
  let bytes = 0;
  const send = async () => {
    if (request.size === 0) return;
    await kafka.producer.sendBatch({
      topicMessages: [...request].map(([topic, messages]) => ({ topic, messages })),
    });
    request = new Map();
    bytes = 0;
  };
  for (const task of tasks) {
    const value = deliveryTaskCodec.encode(task);
    if (bytes > 0 && bytes + value.length > MAX_REQUEST_BYTES) await send();
    const topic = kafka.topic(DELIVERY_TOPICS[task.priority]);
    const messages = request.get(topic) ?? [];
    messages.push({ key: task.subscriptionId, value });
    request.set(topic, messages);
    bytes += value.length;
  }
  await send();
}
