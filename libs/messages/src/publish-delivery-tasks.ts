import { INTERNAL_TOPICS, sizeBatches, type KafkaClient } from '@smart-dairy/kafka';
import type { TraceHeaders } from '@smart-dairy/tracing';
import type { Message, TopicMessages } from 'kafkajs';
import { deliveryTaskCodec, type DeliveryTask } from './delivery-task';

export const DELIVERY_TOPICS = {
  high: INTERNAL_TOPICS.deliveriesHigh,
  medium: INTERNAL_TOPICS.deliveriesMedium,
  low: INTERNAL_TOPICS.deliveriesLow,
} as const;

/**
 * A task with the trace its attempts belong to (see `startDeliveryTaskSpan`), sent as the message's
 * `traceparent`/`tracestate` headers. Null or absent while tracing is off.
 */
export type TracedTask = DeliveryTask & { readonly trace?: TraceHeaders | null };

interface TaskMessage extends Message {
  readonly topic: string;
}

/**
 * Hands delivery tasks to the dispatcher: each on its priority's topic, keyed by subscription id
 * so one dispatcher replica owns an endpoint's deliveries, in as few produce requests as the size
 * limit (`sizeBatches`) allows, one after the other (so an endpoint's tasks keep their order).
 * Resolves once Kafka has acknowledged them all.
 */
export async function publishDeliveryTasks(
  kafka: Pick<KafkaClient, 'topic' | 'producer'>,
  tasks: readonly TracedTask[],
): Promise<void> {
  const messages: TaskMessage[] = tasks.map((task) => ({
    topic: kafka.topic(DELIVERY_TOPICS[task.priority]),
    key: task.subscriptionId,
    value: deliveryTaskCodec.encode(task),
    headers: task.trace ?? undefined,
  }));
  for (const request of sizeBatches(messages)) {
    await kafka.producer.sendBatch({ topicMessages: byTopic(request) });
  }
}

function byTopic(messages: readonly TaskMessage[]): TopicMessages[] {
  const topics = new Map<string, Message[]>();
  for (const { topic, ...message } of messages) {
    const ofTopic = topics.get(topic) ?? [];
    ofTopic.push(message);
    topics.set(topic, ofTopic);
  }
  return [...topics].map(([topic, ofTopic]) => ({ topic, messages: ofTopic }));
}
