import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';
import { refusedAsTooLarge } from './broker-errors';
import { MAX_SEND_BYTES, sizeBatches } from './size-batches';

/** What sends one produce request: the platform's RecoveringProducer. */
export interface RecordSender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

/**
 * Sends `messages` to `topic` in size-capped requests, in order, and returns those the broker refused as too
 * large: only a shorter message gets through where one of them did not. A request refused as too large is
 * sent again one message at a time, so that one oversized message never holds back the others; a message of
 * such a request may arrive twice, since the broker may have taken the request's other partitions. Any other
 * failure is thrown.
 */
export async function sendAllButOversized<M extends Message>(
  producer: RecordSender,
  topic: string,
  messages: readonly M[],
  maxBytes = MAX_SEND_BYTES,
): Promise<M[]> {
  const refused: M[] = [];
  for (const batch of sizeBatches(messages, maxBytes)) {
    try {
      await producer.send({ topic, messages: batch });
    } catch (error) {
      if (!refusedAsTooLarge(error)) throw error;
      if (batch.length === 1) refused.push(...batch);
      else
        for (const message of batch) refused.push(...(await sendAllButOversized(producer, topic, [message])));
    }
  }
  return refused;
}
