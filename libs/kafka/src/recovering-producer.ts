import type { Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { brokerErrorIs } from './broker-errors';

/**
 * Broker errors saying a producer's id and sequence numbers no longer match what the broker holds.
 * kafkajs marks them non-retriable and keeps its state, so every later send would fail the same way.
 */
const LOST_PRODUCER_STATE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

export function lostProducerState(error: unknown): boolean {
  return brokerErrorIs(error, LOST_PRODUCER_STATE);
}

/**
 * The platform's producer: kafkajs's idempotent producer, made safe for what a broker restart does to
 * it. When a send fails, kafkajs takes its sequence numbers back even if the broker wrote the batch
 * and only the answer was lost; the next batch then reuses them, and the broker either refuses it as
 * out of order (forever) or, when it has as many messages, acknowledges it as a duplicate of the
 * written one and drops it. So:
 * - sends go one at a time, so that kafkajs's own retries of a batch end before another batch takes
 *   sequence numbers (the broker serves one produce request per connection at a time anyway);
 * - after a failed send the next one goes out on a new producer (a new producer id, fresh sequences);
 * - a send the broker refused for lost producer state is tried once more on the new producer: it was
 *   not written, so this only repeats messages of a multi-partition batch other partitions had taken;
 * - a send that has not finished within `sendTimeoutMs` (kafkajs's retries included, which can add up to
 *   minutes) fails, so that no batch waits on a broker forever; its producer is replaced like after any
 *   failure, which ends the late send with it.
 */
export class RecoveringProducer {
  private current: Producer;
  private stale = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly create: () => Producer,
    private readonly logger: Logger,
    private readonly sendTimeoutMs: number,
  ) {
    this.current = create();
  }

  connect(): Promise<void> {
    this.closed = false;
    return this.current.connect();
  }

  disconnect(): Promise<void> {
    this.closed = true;
    return this.current.disconnect();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.oneAtATime((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.oneAtATime((producer) => producer.sendBatch(batch));
  }

  private oneAtATime(send: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    const turn = this.queue.then(() => this.sendRecovering(send));
    // The queue only orders the sends; each outcome, failures included, goes to its own caller.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async sendRecovering(
    send: (producer: Producer) => Promise<RecordMetadata[]>,
  ): Promise<RecordMetadata[]> {
    try {
      return await this.sendOnce(send);
    } catch (error) {
      if (!lostProducerState(error)) throw error;
      this.logger.warn(
        { err: error },
        'the broker lost track of the producer; sending again with a new producer id',
      );
      return this.sendOnce(send);
    }
  }

  private async sendOnce(send: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    if (this.stale) await this.replace();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Kafka send did not finish within ${this.sendTimeoutMs} ms`)),
        this.sendTimeoutMs,
      );
    });
    try {
      return await Promise.race([send(this.current), deadline]);
    } catch (error) {
      this.stale = true;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async replace(): Promise<void> {
    const next = this.create();
    try {
      await next.connect();
      if (this.closed) throw new Error('the producer was disconnected');
    } catch (error) {
      await next.disconnect();
      throw error;
    }
    const replaced = this.current;
    this.current = next;
    this.stale = false;
    replaced.disconnect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'disconnecting the replaced producer failed');
    });
  }
}
