import type { Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Errors after which an idempotent producer's id and sequence numbers no longer match what the broker
 * holds. kafkajs marks them non-retriable and keeps its state, so every later send fails the same way;
 * only a producer with a new id gets through. A broker restart under load is the usual cause.
 */
const LOST_PRODUCER_STATE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/** kafkajs wraps the broker's error (`type`) in retry errors; the original is at the end of `cause`. */
export function lostProducerState(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && LOST_PRODUCER_STATE.has(type)) return true;
  }
  return false;
}

/**
 * The platform's producer: kafkajs's idempotent producer, replaced by a new one (a new producer id)
 * when the broker stops accepting the old one's sequence numbers. The send that met the error is
 * tried once more on the new producer; the broker rejected the request, so this only repeats
 * messages of a multi-partition batch that other partitions had already written.
 */
export class RecoveringProducer {
  private current: Producer;
  private replacing: Promise<void> | undefined;

  constructor(
    private readonly create: () => Producer,
    private readonly logger: Logger,
  ) {
    this.current = create();
  }

  connect(): Promise<void> {
    return this.current.connect();
  }

  async disconnect(): Promise<void> {
    // A failed replacement has already failed the send that started it; the old producer is still current.
    await this.replacing?.catch(() => undefined);
    await this.current.disconnect();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.withRecovery((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.withRecovery((producer) => producer.sendBatch(batch));
  }

  private async withRecovery(
    send: (producer: Producer) => Promise<RecordMetadata[]>,
  ): Promise<RecordMetadata[]> {
    await this.replacing;
    const producer = this.current;
    try {
      return await send(producer);
    } catch (error) {
      if (!lostProducerState(error)) throw error;
      await this.replace(producer, error);
      return send(this.current);
    }
  }

  /** Concurrent sends that failed on the same producer share one replacement. */
  private replace(failed: Producer, error: unknown): Promise<void> {
    if (failed !== this.current) return this.replacing ?? Promise.resolve();
    this.replacing ??= this.connectReplacement(failed, error).finally(() => {
      this.replacing = undefined;
    });
    return this.replacing;
  }

  private async connectReplacement(failed: Producer, error: unknown): Promise<void> {
    this.logger.warn(
      { err: error },
      'the broker lost track of the producer; replacing it with a new producer id',
    );
    const next = this.create();
    try {
      await next.connect();
    } catch (connectError) {
      await next.disconnect();
      throw connectError;
    }
    this.current = next;
    failed.disconnect().catch((disconnectError: unknown) => {
      this.logger.warn({ err: disconnectError }, 'disconnecting the replaced producer failed');
    });
  }
}
