import type { RecordMetadata } from 'kafkajs';
import { recordOffsets, type Placement } from './record-offsets';

const result = (topicName: string, partition: number, baseOffset: string): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  baseOffset,
});

describe('recordOffsets', () => {
  it.each<[string, Placement[], RecordMetadata[], string[]]>([
    ['one record', [{ topic: 'a', partition: 1 }], [result('a', 1, '41')], ['41']],
    [
      'records of one partition, consecutively in the order sent',
      [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 0 },
      ],
      [result('a', 0, '7')],
      ['7', '8', '9'],
    ],
    [
      'records interleaved across partitions and topics',
      [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
        { topic: 'b', partition: 0 },
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
      ],
      [result('b', 0, '500'), result('a', 1, '20'), result('a', 0, '10')],
      ['10', '20', '500', '11', '21'],
    ],
    [
      'offsets beyond the exact range of a JavaScript number',
      [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 0 },
      ],
      [result('a', 0, '9007199254740993')],
      ['9007199254740993', '9007199254740994'],
    ],
  ])('numbers %s', (_case, placements, results, offsets) => {
    expect(recordOffsets(placements, results)).toEqual(
      placements.map(({ partition }, index) => ({ partition, offset: offsets[index] })),
    );
  });

  it('fails rather than guess when Kafka answered nothing for a partition', () => {
    expect(() => recordOffsets([{ topic: 'a', partition: 2 }], [result('a', 0, '1')])).toThrow(
      'Kafka sent no offset for a partition 2',
    );
  });
});
