import { KafkaJSNonRetriableError, KafkaJSProtocolError, type ProducerRecord } from 'kafkajs';
import { refusedAsTooLarge } from './broker-errors';
import { sendAllButOversized } from './send-all-but-oversized';

/** How kafkajs hands the broker's refusal to the caller: a non-retriable error wrapping the protocol error. */
function brokerRefusal(type: string): Error {
  const protocol = new KafkaJSProtocolError({ type, code: 10, retriable: false, message: type } as never);
  return Object.assign(new KafkaJSNonRetriableError(protocol), { cause: protocol });
}

/** A broker whose topic takes record batches of at most `limit` bytes of values. */
class SizeLimitedBroker {
  readonly written: string[] = [];
  requests = 0;
  constructor(
    private readonly limit: number,
    private readonly failure?: Error,
  ) {}

  async send({ messages }: ProducerRecord) {
    this.requests += 1;
    if (this.failure) throw this.failure;
    const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value as string), 0);
    if (bytes > this.limit) throw brokerRefusal('MESSAGE_TOO_LARGE');
    this.written.push(...messages.map((m) => m.key as string));
    return [];
  }
}

const messages = (...sizes: number[]) => sizes.map((size, i) => ({ key: `m${i}`, value: 'x'.repeat(size) }));
const keys = (list: { key: string }[]) => list.map((m) => m.key);

describe('sendAllButOversized', () => {
  it.each<[string, number[], number, string[], string[]]>([
    ['sends what fits, as it is', [100, 100, 100], 1_000, ['m0', 'm1', 'm2'], []],
    ['sends the others of a refused request one by one', [100, 400, 100], 300, ['m0', 'm2'], ['m1']],
    ['sends each message of a refused request that fits alone', [200, 200], 300, ['m0', 'm1'], []],
    ['returns every message refused alone', [500, 600], 300, [], ['m0', 'm1']],
  ])('%s', async (_case, sizes, limit, written, refused) => {
    const broker = new SizeLimitedBroker(limit);
    const left = await sendAllButOversized(broker, 't', messages(...sizes), 10_000);
    expect(broker.written).toEqual(written);
    expect(keys(left)).toEqual(refused);
  });

  it('goes on with the next size batch after one was refused', async () => {
    const broker = new SizeLimitedBroker(700);
    // Batches of at most 1,000 bytes: [600, 300], [900], [100].
    const left = await sendAllButOversized(broker, 't', messages(600, 300, 900, 100), 1_000);
    expect(broker.written).toEqual(['m0', 'm1', 'm3']);
    expect(keys(left)).toEqual(['m2']);
  });

  it('throws any other failure', async () => {
    const broker = new SizeLimitedBroker(1_000, brokerRefusal('NOT_LEADER_FOR_PARTITION'));
    await expect(sendAllButOversized(broker, 't', messages(10, 10))).rejects.toThrow();
    expect(broker.requests).toBe(1);
  });
});

describe('refusedAsTooLarge', () => {
  it.each([
    ['MESSAGE_TOO_LARGE, wrapped', brokerRefusal('MESSAGE_TOO_LARGE'), true],
    ['RECORD_LIST_TOO_LARGE, wrapped', brokerRefusal('RECORD_LIST_TOO_LARGE'), true],
    ['another broker error', brokerRefusal('UNKNOWN_TOPIC_OR_PARTITION'), false],
    ['a plain error', new Error('MESSAGE_TOO_LARGE'), false],
    ['not an error', 'MESSAGE_TOO_LARGE', false],
  ])('%s', (_case, error, expected) => {
    expect(refusedAsTooLarge(error)).toBe(expected);
  });
});
