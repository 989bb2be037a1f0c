import { MAX_SEND_BYTES, type KafkaClient } from '@smart-dairy/kafka';
import type { Message, ProducerBatch } from 'kafkajs';
import type { DeliveryTask } from './delivery-task';
import { publishDeliveryTasks } from './publish-delivery-tasks';

function fakeKafka() {
  const requests: ProducerBatch[] = [];
  const kafka = {
    topic: (name: string) => `prefix.${name}`,
    producer: { sendBatch: async (batch: ProducerBatch) => void requests.push(batch) },
  } as unknown as Pick<KafkaClient, 'topic' | 'producer'>;
  return { kafka, requests };
}

function task(i: number, overrides: Partial<DeliveryTask> = {}): DeliveryTask {
  return {
    deliveryId: `wh_${i.toString(16).padStart(32, '0')}`,
    subscriptionId: 'wh_sub_one',
    priority: 'high',
    ...overrides,
  };
}

const messagesOf = (request: ProducerBatch): Message[] =>
  request.topicMessages?.flatMap((t) => t.messages) ?? [];
const bytesOf = (request: ProducerBatch) =>
  messagesOf(request).reduce(
    (sum, m) => sum + Buffer.byteLength(m.key as string) + (m.value as Buffer).length,
    0,
  );

describe('publishDeliveryTasks', () => {
  it('splits a large hand-off so no request (hence no partition batch) passes the broker limit', async () => {
    // One subscription's tasks all land on one partition: 20,000 of ~100 bytes are 2 MB.
    const { kafka, requests } = fakeKafka();
    const tasks = Array.from({ length: 20_000 }, (_, i) => task(i));
    await publishDeliveryTasks(kafka, tasks);
    expect(requests.length).toBeGreaterThan(2);
    for (const request of requests) expect(bytesOf(request)).toBeLessThanOrEqual(MAX_SEND_BYTES);
    const sent = requests.flatMap(messagesOf).map((m) => JSON.parse(String(m.value)).deliveryId);
    expect(sent).toEqual(tasks.map((t) => t.deliveryId));
  });

  it('keeps a small hand-off in one request, each task on its priority topic keyed by subscription', async () => {
    const { kafka, requests } = fakeKafka();
    await publishDeliveryTasks(kafka, [task(1), task(2, { priority: 'low', subscriptionId: 'wh_sub_two' })]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['prefix.deliveries.high', ['wh_sub_one']],
      ['prefix.deliveries.low', ['wh_sub_two']],
    ]);
  });

  it('sends a task larger than the budget on its own, and nothing for no tasks', async () => {
    const { kafka, requests } = fakeKafka();
    await publishDeliveryTasks(kafka, []);
    expect(requests).toHaveLength(0);
    const huge = task(3, { subscriptionId: 'x'.repeat(MAX_SEND_BYTES) });
    await publishDeliveryTasks(kafka, [task(1), huge, task(2)]);
    expect(requests.map((r) => messagesOf(r).length)).toEqual([1, 1, 1]);
  });

  it("carries each task's trace context as its message headers, and none for a task without", async () => {
    const { kafka, requests } = fakeKafka();
    const trace = { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, tracestate: 'vendor=1' };
    await publishDeliveryTasks(kafka, [{ ...task(1), trace }, task(2), { ...task(3), trace: null }]);
    expect(requests.flatMap(messagesOf).map((m) => m.headers)).toEqual([trace, undefined, undefined]);
    expect(JSON.parse(String(messagesOf(requests[0]!)[0]?.value))).not.toHaveProperty('trace');
  });
});
