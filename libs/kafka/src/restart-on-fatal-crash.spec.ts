import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { restartOnFatalCrash } from './restart-on-fatal-crash';

// A consumer that has no group, as between a crash and its restart; nothing is connected.
const groupless = () =>
  new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING }).consumer({ groupId: 'unused' });

describe('restartOnFatalCrash', () => {
  it('is needed: kafkajs throws from pause and resume while the consumer has no group', () => {
    const consumer = groupless();
    expect(() => consumer.resume([{ topic: 't', partitions: [0] }])).toThrow(
      /Consumer group was not initialized/,
    );
    expect(() => consumer.pause([{ topic: 't', partitions: [0] }])).toThrow(
      /Consumer group was not initialized/,
    );
  });

  it('turns pause and resume during a restart into a warning instead of a throw into the process', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const consumer = restartOnFatalCrash(groupless(), logger);
    expect(() => consumer.resume([{ topic: 't', partitions: [0] }])).not.toThrow();
    expect(() => consumer.pause([{ topic: 't', partitions: [1] }])).not.toThrow();
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual([
      'consumer.resume while the consumer restarts; skipped',
      'consumer.pause while the consumer restarts; skipped',
    ]);
  });
});
