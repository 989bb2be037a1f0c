import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { RecoveringProducer } from './recovering-producer';

/**
 * While cut, every answer from the broker closes its connection instead of arriving: a batch the
 * broker wrote is never acknowledged, as when a broker restarts under load with a send in flight.
 */
class LostAnswers {
  private cut = false;

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket: Socket = connect({ host, port }, onConnect);
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string, ...args: unknown[]) => {
      if (event === 'data' && this.cut) {
        socket.destroy(new Error('the test cut the connection'));
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
    return socket;
  };

  async whileCut<T>(work: () => Promise<T>): Promise<T> {
    this.cut = true;
    try {
      return await work();
    } finally {
      this.cut = false;
    }
  }
}

describe('RecoveringProducer against the real broker', () => {
  const network = new LostAnswers();
  const kafka = new Kafka({
    clientId: 'recovering-producer-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
    socketFactory: network.socketFactory,
    // One retry inside kafkajs, short: the send whose answer was lost fails soon, as when they run out.
    retry: { retries: 1, initialRetryTime: 100 },
  });
  const topic = `recovering-producer-${randomUUID()}`;
  const admin = kafka.admin();
  let created = 0;
  const producer = new RecoveringProducer(
    () => {
      created++;
      return kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    },
    pino({ level: 'silent' }),
    30_000,
  );

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('neither drops nor refuses the batches sent after one whose answer was lost', async () => {
    await producer.send({ topic, messages: [{ value: 'before' }] });

    await network.whileCut(() =>
      expect(producer.send({ topic, messages: [{ value: 'answer lost' }] })).rejects.toThrow(),
    );
    // kafkajs took the lost batch's sequence number back, but the broker has the batch. On the same
    // producer id, a batch of the same size would be acknowledged as its duplicate and dropped, and
    // one of another size refused as out of order, again and again.
    await producer.send({ topic, messages: [{ value: 'same size' }] });
    await producer.send({ topic, messages: [{ value: 'other size 1' }, { value: 'other size 2' }] });
    expect(created).toBe(2);

    const offsets = await admin.fetchTopicOffsets(topic);
    const consumer = kafka.consumer({ groupId: `recovering-producer-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    const readAll = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(String(message.value));
          if (message.offset === String(Number(offsets[0]?.high) - 1)) resolve();
        },
      });
    });
    await readAll;
    await consumer.disconnect();
    expect(values).toEqual(['before', 'answer lost', 'same size', 'other size 1', 'other size 2']);
  });
});
