import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log';

const { ERROR, WARN, INFO, DEBUG } = logLevel;

describe('kafkaLogLevel', () => {
  it.each([
    // Answers kafkajs retries, seen on every healthy start: debug.
    [
      'a coordinator still loading',
      ERROR,
      'Response InitProducerId(key: 22, version: 1)',
      { error: "The coordinator is loading and hence can't process requests for this group" },
      'debug',
    ],
    [
      'a leader election',
      ERROR,
      'Response Metadata(key: 3, version: 6)',
      {
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      },
      'debug',
    ],
    [
      'the topic another service created a moment earlier',
      ERROR,
      'Response CreateTopics(key: 19, version: 3)',
      { error: 'Topic with this name already exists' },
      'debug',
    ],
    [
      'the same race answered for several topics at once',
      ERROR,
      'Response CreateTopics(key: 19, version: 3)',
      { error: 'Topic creation errors' },
      'debug',
    ],
    [
      'a consumer stopped by a loading coordinator',
      ERROR,
      "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
      { groupId: 'g' },
      'debug',
    ],
    ['the restart kafkajs schedules', ERROR, 'Restarting the consumer in 300ms', { retryTime: 300 }, 'debug'],
    [
      'the limited retries we chose for the idempotent producer',
      WARN,
      'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      {},
      'debug',
    ],
    // Real problems keep their level.
    [
      'a refused authorization',
      ERROR,
      'Response Produce(key: 0, version: 7)',
      { error: 'Not authorized to access topics: [Topic authorization failed]' },
      'error',
    ],
    [
      'an unreachable broker',
      ERROR,
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      { broker: '127.0.0.1:9092' },
      'error',
    ],
    [
      'a consumer that ran out of retries',
      ERROR,
      'Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      { groupId: 'g' },
      'error',
    ],
    [
      'a consumer stopped by an answer kafkajs does not retry',
      ERROR,
      'Crash: KafkaJSProtocolError: Not authorized to access group: Group authorization failed',
      { groupId: 'g' },
      'error',
    ],
    [
      'an answer that is not a protocol error',
      ERROR,
      'Response Fetch(key: 1, version: 11)',
      { error: 'Request Fetch(key: 1, version: 11) timed out' },
      'error',
    ],
    ['a warning about something else', WARN, 'Response without match', { correlationId: 7 }, 'warn'],
    // Lower levels pass through, retried answers or not.
    ['information', INFO, 'Starting', { groupId: 'g' }, 'info'],
    ['detail', DEBUG, 'Response Metadata(key: 3, version: 6)', {}, 'debug'],
  ] as const)('logs %s at the right level', (_case, level, message, extra, expected) => {
    expect(kafkaLogLevel({ level, message, extra })).toBe(expected);
  });
});
