import {
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type Producer,
} from 'kafkajs';
import pino from 'pino';
import { lostProducerState, RecoveringProducer } from './recovering-producer';

const record = { topic: 't', messages: [{ value: 'v' }] };

function protocolError(type: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError({
    type,
    code: 45,
    retriable: false,
    message: `broker said ${type}`,
  } as never);
}

/** How kafkajs's retrier hands a non-retriable broker error to the caller. */
function asKafkajsThrowsIt(error: Error): Error {
  return Object.assign(new KafkaJSNonRetriableError(error), { cause: error });
}

/** A stand-in for one kafkajs producer: the broker's side is not what these tests are about. */
class ProducerDouble {
  connects = 0;
  disconnects = 0;
  topics: string[] = [];
  mostAtOnce = 0;
  private atOnce = 0;
  constructor(
    readonly id: number,
    /** What each send in turn does instead of succeeding: fail, or never answer. */
    private readonly failures: (Error | 'hang')[],
    private readonly connectFailure?: Error,
  ) {}
  async connect(): Promise<void> {
    this.connects++;
    if (this.connectFailure) throw this.connectFailure;
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
  get sends(): number {
    return this.topics.length;
  }
  async send(record: { topic: string }): Promise<{ producer: number }[]> {
    this.topics.push(record.topic);
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.atOnce);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const failure = this.failures.shift();
      if (failure === 'hang') await new Promise(() => undefined);
      if (failure) throw failure;
      return [{ producer: this.id }];
    } finally {
      this.atOnce--;
    }
  }
  async sendBatch(batch: { topicMessages: { topic: string }[] }): Promise<{ producer: number }[]> {
    return this.send({ topic: batch.topicMessages.map((m) => m.topic).join() });
  }
}

const SEND_TIMEOUT_MS = 200;

function recovering(...doubles: ProducerDouble[]): {
  producer: RecoveringProducer;
  created: ProducerDouble[];
} {
  const created: ProducerDouble[] = [];
  const producer = new RecoveringProducer(
    () => {
      const next = doubles[created.length];
      if (!next) throw new Error('the test made more producers than it expected');
      created.push(next);
      return next as unknown as Producer;
    },
    pino({ level: 'silent' }),
    SEND_TIMEOUT_MS,
  );
  return { producer, created };
}

describe('lostProducerState', () => {
  it('finds the broker error kafkajs wraps, and only the ones a new producer id cures', () => {
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']) {
      expect(lostProducerState(asKafkajsThrowsIt(protocolError(type)))).toBe(true);
      expect(lostProducerState(protocolError(type))).toBe(true);
    }
    expect(lostProducerState(asKafkajsThrowsIt(protocolError('MESSAGE_TOO_LARGE')))).toBe(false);
    const refused = new Error('Connection error: ECONNREFUSED');
    expect(
      lostProducerState(
        new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 10, retryTime: 300 } as never),
      ),
    ).toBe(false);
    expect(lostProducerState('OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(false);
  });
});

describe('RecoveringProducer', () => {
  it('replaces the producer after an out-of-order sequence error and sends again on the new one', async () => {
    const first = new ProducerDouble(1, [asKafkajsThrowsIt(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'))]);
    const second = new ProducerDouble(2, []);
    const { producer } = recovering(first, second);
    await producer.connect();

    await expect(producer.send(record)).resolves.toEqual([{ producer: 2 }]);
    expect(second.connects).toBe(1);
    expect(first.disconnects).toBe(1);
    // Later sends stay on the new producer.
    await expect(producer.sendBatch({ topicMessages: [record] })).resolves.toEqual([{ producer: 2 }]);
    expect(first.sends).toBe(1);
  });

  it('passes any other error to the caller and sends the next batch on a new producer', async () => {
    const refused = new KafkaJSNumberOfRetriesExceeded(new Error('Connection error: ECONNREFUSED'), {
      retryCount: 10,
      retryTime: 300,
    } as never);
    const first = new ProducerDouble(1, [refused]);
    const second = new ProducerDouble(2, []);
    const { producer, created } = recovering(first, second);
    await producer.connect();

    await expect(producer.send(record)).rejects.toBe(refused);
    expect(created).toHaveLength(1);
    await expect(producer.send(record)).resolves.toEqual([{ producer: 2 }]);
    await expect(producer.send(record)).resolves.toEqual([{ producer: 2 }]);
    expect(created).toHaveLength(2);
    expect(first.sends).toBe(1);
  });

  it('fails a send that does not finish in time and sends the next batch on a new producer', async () => {
    const first = new ProducerDouble(1, ['hang']);
    const second = new ProducerDouble(2, []);
    const { producer, created } = recovering(first, second);
    await producer.connect();

    const started = Date.now();
    await expect(producer.send(record)).rejects.toThrow(`did not finish within ${SEND_TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SEND_TIMEOUT_MS - 5);
    await expect(producer.send(record)).resolves.toEqual([{ producer: 2 }]);
    expect(created).toHaveLength(2);
    expect(first.disconnects).toBe(1);
  });

  it('sends one batch at a time, in the order they were given', async () => {
    const lost = (): Error => asKafkajsThrowsIt(protocolError('UNKNOWN_PRODUCER_ID'));
    const first = new ProducerDouble(1, [lost()]);
    const second = new ProducerDouble(2, []);
    const { producer, created } = recovering(first, second);
    await producer.connect();

    const results = await Promise.all([1, 2, 3].map((n) => producer.send({ ...record, topic: `t${n}` })));
    expect(results).toEqual([[{ producer: 2 }], [{ producer: 2 }], [{ producer: 2 }]]);
    expect(created).toHaveLength(2);
    expect(first.topics).toEqual(['t1']);
    expect(second.topics).toEqual(['t1', 't2', 't3']);
    expect(Math.max(first.mostAtOnce, second.mostAtOnce)).toBe(1);
  });

  it('fails the send when the new producer cannot connect, and tries a new one on the next send', async () => {
    const down = new Error('Connection error: ECONNREFUSED');
    const first = new ProducerDouble(1, [asKafkajsThrowsIt(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'))]);
    const unreachable = new ProducerDouble(2, [], down);
    const third = new ProducerDouble(3, []);
    const { producer } = recovering(first, unreachable, third);
    await producer.connect();

    await expect(producer.send(record)).rejects.toBe(down);
    expect(unreachable.disconnects).toBe(1);
    await expect(producer.send(record)).resolves.toEqual([{ producer: 3 }]);
    expect(first.disconnects).toBe(1);
  });

  it('disconnects the producer in use', async () => {
    const first = new ProducerDouble(1, [asKafkajsThrowsIt(protocolError('INVALID_PRODUCER_EPOCH'))]);
    const second = new ProducerDouble(2, []);
    const { producer } = recovering(first, second);
    await producer.connect();
    await producer.send(record);

    await producer.disconnect();
    expect(second.disconnects).toBe(1);
  });
});
