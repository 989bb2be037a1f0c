import type { ITopicMetadata, PartitionMetadata } from 'kafkajs';
import { TopicPartitions, type MetadataAdmin } from './topic-partitions';

const partitions = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));

function fakeAdmin(counts: Record<string, number>) {
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    fetchTopicMetadata: jest.fn(async (options?: { topics: string[] }) => ({
      topics: (options?.topics ?? []).map((name): ITopicMetadata => ({
        name,
        partitions: partitions(counts[name] ?? 0),
      })),
    })),
  } satisfies MetadataAdmin;
  return admin;
}

describe('TopicPartitions', () => {
  it('answers in the order asked, fetching each topic once per batch', async () => {
    const admin = fakeAdmin({ a: 2, b: 3 });
    const metadata = await new TopicPartitions(admin).of(['a', 'b', 'a']);
    expect(metadata.map((topic) => topic.length)).toEqual([2, 3, 2]);
    expect(admin.fetchTopicMetadata).toHaveBeenCalledWith({ topics: ['a', 'b'] });
    expect(admin.connect).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['reuses metadata younger than five minutes', 299_999, 1],
    ['fetches again once it is five minutes old', 300_001, 2],
  ])('%s', async (_case, elapsedMs, fetches) => {
    let now = 0;
    const admin = fakeAdmin({ a: 2 });
    const topics = new TopicPartitions(admin, () => now);
    await topics.of(['a']);
    now = elapsedMs;
    await topics.of(['a']);
    expect(admin.fetchTopicMetadata).toHaveBeenCalledTimes(fetches);
  });

  it('throws for a topic Kafka reports no partitions for', async () => {
    await expect(new TopicPartitions(fakeAdmin({ a: 2 })).of(['a', 'missing'])).rejects.toThrow(
      'Kafka has no partitions for topic missing',
    );
  });

  it('connects again after a failed connection', async () => {
    const admin = fakeAdmin({ a: 1 });
    admin.connect.mockRejectedValueOnce(new Error('broker down'));
    const topics = new TopicPartitions(admin);
    await expect(topics.of(['a'])).rejects.toThrow('broker down');
    await expect(topics.of(['a'])).resolves.toHaveLength(1);
    expect(admin.connect).toHaveBeenCalledTimes(2);
  });

  it('disconnects on close only when it connected', async () => {
    const admin = fakeAdmin({ a: 1 });
    const topics = new TopicPartitions(admin);
    await topics.close();
    expect(admin.disconnect).not.toHaveBeenCalled();
    await topics.of(['a']);
    await topics.close();
    expect(admin.disconnect).toHaveBeenCalledTimes(1);
  });
});
